// The ModelStore contract against the memory store, in Node (issue 4).

import { MemoryModelStore } from '../../../src/registry/memory-store.ts';
import { runModelStoreContract } from '../../contracts/model-store.contract.ts';

runModelStoreContract('memory', {
  async create() {
    return new MemoryModelStore();
  },
  async corruptChunk(store, sha256) {
    if (!(store as MemoryModelStore).corruptChunkForTesting(sha256))
      throw new Error(`no chunk ${sha256} to corrupt`);
  },
  propertyRuns: 60,
});
