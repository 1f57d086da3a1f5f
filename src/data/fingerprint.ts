import { EdgeflowError } from '../errors.ts';
import type { DatasetSchema } from '../schemas/dataset.ts';
import type { Table } from './types.ts';

/**
 * The dataset's identity for lineage: SHA-256 (WebCrypto) over a canonical encoding of its schema
 * and data. The encoding depends only on the loaded values, never on how the source was chunked:
 *
 * - a header: `edgeflow-dataset-v1`, the row count, and the schema as canonical JSON (keys sorted);
 * - per stored column, in schema order: its name, kind and type, the SHA-256 of its values (float32,
 *   float64, uint8 or int32 codes, little-endian, missing cells as NaN / 0 / -1), the SHA-256 of its
 *   missing mask (one byte per row; "none" when no cell is missing) and, for categories, the
 *   dictionary as JSON (in order of first appearance);
 * - the final digest is SHA-256 of the lines of that text.
 *
 * Hashing each column buffer separately means no buffer is ever copied into one large input (WebCrypto
 * has no incremental digest), so this stays cheap for tables of hundreds of megabytes.
 *
 * @returns the fingerprint as 64 lowercase hex digits.
 * @throws EdgeflowError `INTERNAL` where WebCrypto (`crypto.subtle`) is missing (an insecure context).
 */
export async function fingerprintDataset(schema: DatasetSchema, table: Table): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new EdgeflowError(
      'INTERNAL',
      'WebCrypto (crypto.subtle) is not available: serve the page over HTTPS or from localhost.',
    );
  }
  const digest = async (bytes: Uint8Array): Promise<string> =>
    hex(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  const lines = ['edgeflow-dataset-v1', `rows ${table.rowCount}`, `schema ${canonicalJson(schema)}`];
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  for (const spec of schema.columns) {
    const column = byName.get(spec.name);
    if (!column) continue;
    const values = column.kind === 'categorical' ? column.codes : column.values;
    const valueBytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    const [valuesDigest, maskDigest] = await Promise.all([
      digest(littleEndian(valueBytes, values.BYTES_PER_ELEMENT)),
      column.missing ? digest(column.missing) : Promise.resolve('none'),
    ]);
    lines.push(
      `column ${JSON.stringify(column.name)} ${column.kind} ${column.type} values ${valuesDigest} missing ${maskDigest}` +
        (column.kind === 'categorical' ? ` dictionary ${JSON.stringify(column.dictionary)}` : ''),
    );
  }
  return digest(new TextEncoder().encode(lines.join('\n')));
}

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes in little-endian order (a copy on big-endian machines, which browsers practically never are). */
function littleEndian(bytes: Uint8Array, width: number): Uint8Array {
  if (LITTLE_ENDIAN || width === 1) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width) {
    for (let b = 0; b < width; b++) out[i + b] = bytes[i + width - 1 - b] as number;
  }
  return out;
}

function hex(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] as number).toString(16).padStart(2, '0');
  return out;
}
