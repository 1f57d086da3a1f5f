// Decimal commas (issue 18, point 7). Files exported with a European locale write 1,5 for 1.5 and
// separate fields with semicolons (Excel's "CSV" in those locales); read as they are, every such
// number is a text category. The reader looks at the first records, decides which separator the
// numbers use, and hands the builder numbers written with a point.
import type { RowSink } from './table-builder.ts';

/** The character between a number's whole and fractional part. */
export type DecimalSeparator = '.' | ',';

/** A number written with a decimal comma: `1,5`, `-0,25`, `1.234,5` (points group thousands). */
const COMMA_NUMBER = /^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+$/;
/** A number written with a decimal point and digits on both sides: `1.5`, `-0.25`. */
const POINT_NUMBER = /^[+-]?\d+\.\d+$/;
/** Records looked at before deciding. */
const SAMPLE_RECORDS = 500;

/**
 * The decimal separator the sampled records use: a comma when some fields are numbers with a decimal
 * comma and none are numbers with a decimal point, else a point. With a comma delimiter the answer is
 * a point (an unquoted decimal comma would split the field), unless the caller says otherwise.
 */
export function detectDecimalSeparator(
  records: readonly (readonly string[])[],
  delimiter: string,
): DecimalSeparator {
  if (delimiter === ',') return '.';
  let commas = 0;
  let points = 0;
  for (const record of records) {
    for (const field of record) {
      const value = field.trim();
      if (value.length === 0 || value.length > 32) continue;
      if (COMMA_NUMBER.test(value)) commas++;
      // `1.234` alone could be a thousands group in a comma file; digits on both sides with a comma
      // present elsewhere still count against the comma, which keeps the choice conservative.
      else if (POINT_NUMBER.test(value)) points++;
    }
  }
  return commas > 0 && points === 0 ? ',' : '.';
}

/** A field written with a decimal comma, rewritten with a point (`1.234,5` → `1234.5`); others unchanged. */
export function toPointDecimal(field: string): string {
  const value = field.trim();
  if (!COMMA_NUMBER.test(value)) return field;
  return value.replaceAll('.', '').replace(',', '.');
}

/** A sink wrapper that decides the decimal separator from the first records, then converts. */
export interface DecimalSink {
  readonly sink: RowSink;
  /** Hands over the records still held for the decision (call when the input ends). */
  flush(): void;
  /** The separator used (decided once the first records or the end are seen). */
  readonly separator: DecimalSeparator;
}

/**
 * Wraps `sink` so that numbers written with a decimal comma reach it with a point. With
 * `separator` given, it is used from the first record; without, the first records are held until
 * `detectDecimalSeparator` can decide (or `flush` is called), then passed on in order.
 */
export function decimalSink(
  sink: RowSink,
  separator: DecimalSeparator | undefined,
  delimiter: () => string,
): DecimalSink {
  let decided: DecimalSeparator | null = separator ?? null;
  let held: { row: string[]; line: number }[] = [];
  const convert = (row: string[]): string[] => {
    if (decided !== ',') return row;
    for (let i = 0; i < row.length; i++) row[i] = toPointDecimal(row[i] as string);
    return row;
  };
  const release = (): void => {
    decided ??= detectDecimalSeparator(
      held.map((h) => h.row),
      delimiter(),
    );
    const rows = held;
    held = [];
    for (const { row, line } of rows) sink.addStringRow(convert(row), line);
  };
  const wrapped: RowSink = {
    beginColumns: (names) => sink.beginColumns(names),
    addStringRow(row, line) {
      if (decided !== null) {
        sink.addStringRow(convert(row), line);
        return;
      }
      held.push({ row, line });
      if (held.length >= SAMPLE_RECORDS) release();
    },
    addObjectRow: (row, line) => sink.addObjectRow(row, line),
    get rowsRead() {
      return sink.rowsRead + held.length;
    },
  };
  if (sink.dropRaggedRecord) {
    const drop = sink.dropRaggedRecord.bind(sink);
    // A dropped record is reported after the held ones, so lines stay in order.
    wrapped.dropRaggedRecord = (line, fields) => {
      if (held.length > 0) release();
      drop(line, fields);
    };
  }
  return {
    sink: wrapped,
    flush: () => {
      if (held.length > 0 || decided === null) release();
    },
    get separator() {
      return decided ?? '.';
    },
  };
}
