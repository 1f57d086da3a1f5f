// The "new data" the maintain view retrains on: the loaded dataset's own rows (labels included) with
// the drift the clients see applied to the same share of rows, by the clients' own transform
// (edge-sim/row-drift.ts) measured against the clients' own row pool. That is the honest stand-in
// for "the rows the drifted devices saw, labelled later": the labels stay the dataset's, the inputs
// move the way the fleet's inputs moved. Pure (text in, text out) so it is tested in Node.
import { createRng, formatCsv, tokenizeCsv } from 'edgeflow/data';
import { EdgeflowError } from 'edgeflow/errors';
import { driftRow, type NumericStats } from '../edge-sim/row-drift.ts';
import type { DriftSetting } from '../edge-sim/types.ts';

/** Input of `driftDatasetCsv`. */
export interface DriftDatasetInput {
  /** The dataset as CSV text, header first. */
  csv: string;
  /** Columns that are numbers (the dataset schema's numeric, integer columns); the rest stay text. */
  numericColumns: ReadonlySet<string>;
  /** The target column: never drifted (the label of a row does not move with its inputs here). */
  target: string | null;
  drift: DriftSetting;
  /** Per numeric feature, mean and SD of the clients' row pool (what a mean shift is measured in). */
  stats: ReadonlyMap<string, NumericStats>;
  seed: number;
}

/** The drifted dataset as CSV text, and how many of its rows were drifted. */
export interface DriftedDataset {
  csv: string;
  rows: number;
  driftedRows: number;
}

/**
 * Applies `drift` to a `drift.share` of the rows of a CSV dataset (picked by a seeded draw), leaving
 * the target column alone. Missing cells are written empty.
 *
 * @throws EdgeflowError `PARSE_ERROR` naming the line when the CSV is malformed, `EMPTY_DATASET`
 *   when it has no data row.
 * @example
 * const { csv } = driftDatasetCsv({ csv: await file.text(), numericColumns, target: 'species',
 *   drift: { share: 1, features: { bill_length_mm: { meanShift: 2 } } }, stats, seed: 7 });
 */
export function driftDatasetCsv(input: DriftDatasetInput): DriftedDataset {
  const tokens = tokenizeCsv(input.csv, { delimiter: ',', final: true });
  if (tokens.problem) {
    throw new EdgeflowError(
      'PARSE_ERROR',
      `The dataset's CSV has ${tokens.problem.problem.replaceAll('_', ' ')} at line ${tokens.problem.line}, field ${tokens.problem.field + 1}; load a well-formed file in section 1.`,
      { details: { line: tokens.problem.line } },
    );
  }
  const [header, ...records] = tokens.records;
  if (!header || records.length === 0) {
    throw new EdgeflowError(
      'EMPTY_DATASET',
      'The dataset has no data row to drift; load a dataset in section 1.',
    );
  }
  const names = header.fields;
  const features = Object.fromEntries(
    Object.entries(input.drift.features).filter(([name]) => name !== input.target),
  );
  const rng = createRng(input.seed);
  const random = (): number => rng.next();
  const out: string[][] = [names];
  let driftedRows = 0;
  for (const record of records) {
    const row: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const text = record.fields[i] ?? '';
      if (input.numericColumns.has(name)) {
        const value = text.trim() === '' ? Number.NaN : Number(text);
        row[name] = Number.isFinite(value) ? value : null;
      } else row[name] = text === '' ? null : text;
    });
    const drifted = random() < input.drift.share;
    const next = drifted ? driftRow(row, features, input.stats, random) : row;
    if (drifted) driftedRows++;
    out.push(
      names.map((name, i) => {
        const value = next[name];
        // Cells not drifted keep their original text (no float formatting changes).
        if (!drifted || !(name in features)) return record.fields[i] ?? '';
        return value === null || value === undefined ? '' : String(value);
      }),
    );
  }
  return { csv: formatCsv(out), rows: records.length, driftedRows };
}
