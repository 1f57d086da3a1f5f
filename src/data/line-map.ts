import type { LineLookup } from './types.ts';

/**
 * Maps table rows to source lines without a number per row: the offset `line - row` only changes
 * where the source had an empty line, a multi-line record or a dropped row, so only those points are kept.
 */
export class LineMap implements LineLookup {
  readonly #rows: number[] = [];
  readonly #offsets: number[] = [];
  /** The offset in force for the last row added (NaN before the first). */
  current = Number.NaN;

  /** Records that `row` is at `line`. Rows must be added in ascending order. */
  add(row: number, line: number): void {
    const offset = line - row;
    if (offset === this.current) return;
    this.current = offset;
    this.#rows.push(row);
    this.#offsets.push(offset);
  }

  /** The line of `row`, or null when no row was recorded (rows from code have no lines). */
  lineOf(row: number): number | null {
    const rows = this.#rows;
    if (rows.length === 0 || row < (rows[0] as number)) return null;
    let lo = 0;
    let hi = rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((rows[mid] as number) <= row) lo = mid;
      else hi = mid - 1;
    }
    return row + (this.#offsets[lo] as number);
  }

  /** A plain copy (it crosses worker boundaries and goes into stored datasets). */
  toJSON(): { rows: number[]; offsets: number[] } {
    return { rows: [...this.#rows], offsets: [...this.#offsets] };
  }

  /** Rebuilds a map from `toJSON()` output. */
  static fromJSON(json: { rows: readonly number[]; offsets: readonly number[] }): LineMap {
    const map = new LineMap();
    json.rows.forEach((row, i) => {
      map.add(row, row + (json.offsets[i] as number));
    });
    return map;
  }
}
