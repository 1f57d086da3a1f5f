// Records that are objects (JSON rows, rows from code): their columns are the keys in order of first
// appearance, keys that are not columns are counted per field, and CSV records become objects only
// for the preview.
import type { QualityExample } from '../schemas/dataset.ts';
import { MAX_EXAMPLES } from './table-builder-problems.ts';

/** Fields outside the columns, by name: how often they appeared, with the first rows. */
export type UnknownFields = Map<string, { count: number; examples: QualityExample[] }>;

/** Fields tracked at most: a JSON file with ever-new keys must not grow the report without bound. */
const MAX_UNKNOWN_FIELDS = 100;

/** The columns of object rows: every key, in order of first appearance. */
export function objectKeysOf(rows: readonly Readonly<Record<string, unknown>>[]): string[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        keys.push(key);
      }
    }
  }
  return keys;
}

/** A CSV record as an object keyed by the header (for the preview rows). */
export function rowObject(names: readonly string[], row: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let j = 0; j < names.length; j++) out[names[j] as string] = row[j];
  return out;
}

/** Counts the keys of row `r` that are not columns (`columns`: name → index) into `unknown`. */
export function noteUnknownFields(
  unknown: UnknownFields,
  columns: ReadonlyMap<string, number>,
  keys: readonly string[],
  r: number,
  line: number | null,
): void {
  for (const key of keys) {
    if (columns.has(key)) continue;
    let entry = unknown.get(key);
    if (!entry) {
      if (unknown.size >= MAX_UNKNOWN_FIELDS) continue;
      entry = { count: 0, examples: [] };
      unknown.set(key, entry);
    }
    entry.count++;
    if (entry.examples.length < MAX_EXAMPLES) entry.examples.push({ row: r, line });
  }
}
