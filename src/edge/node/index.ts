// Public barrel of edgeflow/edge/node: the Node-only parts of shipping models (node:fs): the folder
// publisher, key files and the file-system model store. Named exports only (no `export *`).

export { FileSystemModelStore, type FileSystemModelStoreOptions } from './file-system-store.ts';
export {
  listFolderReleases,
  nextFolderRelease,
  writeChannelFile,
  writeReleaseFolder,
} from './folder-publisher.ts';
export { folderTarget } from './folder-target.ts';
export { createKeyFile, readKeyFile } from './key-file.ts';
