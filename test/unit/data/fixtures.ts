// Reads a file of test/fixtures/data as a File, the way a page hands one to the lab.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The fixture `name` as a `File` (content type text/csv). */
export function fixtureFile(name: string): File {
  const path = fileURLToPath(new URL(`../../fixtures/data/${name}`, import.meta.url));
  return new File([readFileSync(path)], name, { type: 'text/csv' });
}
