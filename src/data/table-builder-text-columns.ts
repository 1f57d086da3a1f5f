// Set-aside text columns (free text, or categorical columns with too many values): their values are
// not stored, but the quality report still gets each one's empty cells and distinct values.

/** Distinct values of a set-aside text column are counted exactly up to this many. */
export const TEXT_DISTINCT_CAP = 1000;

/** The counts of the set-aside text columns of one table, by column. */
export class SetAsideTextColumns {
  /** Indexes of the set-aside columns among the record's fields. */
  readonly indexes: number[] = [];
  /** Empty cells per set-aside column, in kept rows. */
  readonly missing = new Map<string, number>();
  // Distinct values per column, up to TEXT_DISTINCT_CAP; null once past it (issue 18, point 4).
  readonly #distinct = new Map<string, Set<string> | null>();

  /** Starts counting column `j`; `overCap`: it is known to hold more distinct values than the cap. */
  add(j: number, name: string, overCap = false): void {
    this.indexes.push(j);
    this.missing.set(name, 0);
    if (overCap) this.#distinct.set(name, null);
  }

  /** Counts one kept row's set-aside cells, from a CSV record (`cells`) or an object. */
  count(
    names: readonly string[],
    cells: readonly string[] | null,
    object: Readonly<Record<string, unknown>> | null,
    missingValues: ReadonlySet<string>,
  ): void {
    for (const j of this.indexes) {
      const name = names[j] as string;
      const raw = cells ? cells[j] : object?.[name];
      const empty =
        raw === null || raw === undefined || (typeof raw === 'string' && missingValues.has(raw.trim()));
      if (empty) this.missing.set(name, (this.missing.get(name) ?? 0) + 1);
      else this.#noteValue(name, typeof raw === 'string' ? raw.trim() : String(raw));
    }
  }

  /** Distinct present values per column: exact up to the cap, else `{ distinct: cap, capped: true }`. */
  distinctCounts(): Map<string, { distinct: number; capped: boolean }> {
    return new Map(
      [...this.missing.keys()].map((name): [string, { distinct: number; capped: boolean }] => {
        const seen = this.#distinct.get(name);
        return [
          name,
          seen === null
            ? { distinct: TEXT_DISTINCT_CAP, capped: true }
            : { distinct: seen?.size ?? 0, capped: false },
        ];
      }),
    );
  }

  #noteValue(name: string, value: string): void {
    let seen = this.#distinct.get(name);
    if (seen === null) return;
    if (seen === undefined) {
      seen = new Set();
      this.#distinct.set(name, seen);
    }
    seen.add(value);
    if (seen.size > TEXT_DISTINCT_CAP) this.#distinct.set(name, null);
  }
}
