// The source files of datasets the page keeps (issue 18.8), by dataset fingerprint, in the page's own
// IndexedDB database. The lab keeps the parsed table; the file is kept too so that the schema of a
// dataset reopened after a reload can still be edited (that loads the file again).
import { openDB } from 'idb';

const DB_NAME = 'edgeflow-demo-files';
const STORE = 'files';

function database() {
  return openDB(DB_NAME, 1, {
    upgrade(db) {
      db.createObjectStore(STORE);
    },
  });
}

/** Keeps `file` as the source of the dataset `fingerprint`. */
export async function keepSourceFile(fingerprint: string, file: File): Promise<void> {
  const db = await database();
  try {
    await db.put(STORE, file, fingerprint);
  } finally {
    db.close();
  }
}

/** The kept source of the dataset `fingerprint`, or null. */
export async function keptSourceFile(fingerprint: string): Promise<File | null> {
  const db = await database();
  try {
    const file: unknown = await db.get(STORE, fingerprint);
    return file instanceof File ? file : null;
  } finally {
    db.close();
  }
}

/** Forgets the kept source of the dataset `fingerprint`. */
export async function forgetSourceFile(fingerprint: string): Promise<void> {
  const db = await database();
  try {
    await db.delete(STORE, fingerprint);
  } finally {
    db.close();
  }
}
