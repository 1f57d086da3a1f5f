// Reading one cell as a column's type. Ingest (CSV strings, JSON values, rows from code) and the
// pipeline's `transformRow` (raw rows at predict time) both read through these functions, so a value
// becomes the same number on both paths. A value that cannot be read is reported, never a silent NaN.

/** Strings read as a missing value unless the caller says otherwise (pandas' defaults plus `?`). */
export const DEFAULT_MISSING_VALUES: readonly string[] = [
  '',
  'NA',
  'N/A',
  'n/a',
  'na',
  'NaN',
  'nan',
  '-NaN',
  '-nan',
  'NULL',
  'null',
  'Null',
  'None',
  'none',
  '#N/A',
  '#NA',
  '<NA>',
  '?',
];

/** The largest finite float32; numeric columns are stored as float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

const POWERS_OF_TEN = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

/**
 * Parses a decimal number, or NaN. Plain decimals of up to 15 digits take a fast path that is
 * exactly `+s` (an integer below 2^53 divided by an exact power of ten is correctly rounded, the
 * Clinger fast path); anything else (exponents, spaces, hex, long numbers) goes through `Number(s)`.
 * Whitespace-only and empty strings give NaN, not 0.
 */
export function parseDecimal(s: string): number {
  const n = s.length;
  if (n === 0 || n > 17) return n === 0 ? Number.NaN : slowDecimal(s);
  let i = 0;
  let c = s.charCodeAt(0);
  const negative = c === 45;
  if (negative || c === 43) i = 1;
  // Up to 9 digits the mantissa stays a small integer (int32 arithmetic); then it goes on in doubles.
  let mantissa = 0;
  let digits = 0;
  let dot = -1;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      mantissa = digits < 9 ? (mantissa * 10 + d) | 0 : mantissa * 10 + d;
      digits++;
    } else if (c === 46 && dot < 0) {
      dot = i;
    } else {
      return slowDecimal(s);
    }
  }
  if (digits === 0 || digits > 15) return slowDecimal(s);
  const decimals = dot < 0 ? 0 : n - dot - 1;
  const value = decimals === 0 ? mantissa : mantissa / (POWERS_OF_TEN[decimals] as number);
  return negative ? -value : value;
}

function slowDecimal(s: string): number {
  const value = Number(s);
  // Number('  ') is 0 and Number('0x1f') is 31: blank is not a number; other JS numerals are kept.
  if (value === 0 && s.trim() === '') return Number.NaN;
  return value;
}

/** Why a cell could not be used. */
export type CellProblem = 'type_mismatch' | 'out_of_range';

/** The outcome of reading a number: the value, missing (`null`), or a problem. */
export type NumberReading = number | null | CellProblem;

/**
 * Reads a numeric (`integer`: whole numbers only) cell as the float32 it will be stored as.
 * Non-finite values and magnitudes beyond float32 are out of range.
 */
export function readNumber(raw: unknown, integer: boolean, missing: ReadonlySet<string>): NumberReading {
  let value: number;
  if (typeof raw === 'number') {
    if (Number.isNaN(raw)) return null;
    value = raw;
  } else if (typeof raw === 'string') {
    value = parseDecimal(raw);
    if (Number.isNaN(value)) return missing.has(raw) || missing.has(raw.trim()) ? null : 'type_mismatch';
  } else if (raw === null || raw === undefined) {
    return null;
  } else if (typeof raw === 'boolean') {
    value = raw ? 1 : 0;
  } else {
    return 'type_mismatch';
  }
  if (!(value <= FLOAT32_MAX && value >= -FLOAT32_MAX)) return 'out_of_range';
  if (integer && value !== Math.floor(value)) return 'type_mismatch';
  return Math.fround(value);
}

const BOOLEAN_WORDS = new Map<string, number>([
  ['true', 1],
  ['false', 0],
  ['t', 1],
  ['f', 0],
  ['yes', 1],
  ['no', 0],
  ['y', 1],
  ['n', 0],
  ['1', 1],
  ['0', 0],
]);

/** The boolean words inference accepts (not 0/1, which read as integers). */
export function isBooleanWord(s: string): boolean {
  const lower = s.trim().toLowerCase();
  return lower !== '1' && lower !== '0' && BOOLEAN_WORDS.has(lower);
}

/** Reads a boolean cell: true/false, yes/no, t/f, y/n, 1/0 in any case; 1, 0, missing (`null`) or a problem. */
export function readBoolean(raw: unknown, missing: ReadonlySet<string>): 0 | 1 | null | CellProblem {
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number') {
    if (Number.isNaN(raw)) return null;
    return raw === 1 ? 1 : raw === 0 ? 0 : 'type_mismatch';
  }
  if (typeof raw !== 'string') return 'type_mismatch';
  const word = BOOLEAN_WORDS.get(raw) ?? BOOLEAN_WORDS.get(raw.trim().toLowerCase());
  if (word !== undefined) return word === 1 ? 1 : 0;
  return missing.has(raw) || missing.has(raw.trim()) ? null : 'type_mismatch';
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** True for an ISO 8601 date or date-time (what inference reads as a date column). */
export function isIsoDate(s: string): boolean {
  return ISO_DATE.test(s.trim()) && !Number.isNaN(Date.parse(s.trim()));
}

/** Reads a date cell as epoch milliseconds (a number is taken as epoch ms already). */
export function readDate(raw: unknown, missing: ReadonlySet<string>): number | null | CellProblem {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (raw === null || raw === undefined) return null;
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? 'type_mismatch' : raw.getTime();
  if (typeof raw !== 'string') return 'type_mismatch';
  if (missing.has(raw) || missing.has(raw.trim())) return null;
  const ms = Date.parse(raw.trim());
  return Number.isNaN(ms) ? 'type_mismatch' : ms;
}

/** Reads a categorical cell as its category text (trimmed), or missing (`null`). */
export function readCategory(raw: unknown, missing: ReadonlySet<string>): string | null | CellProblem {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') {
    if (missing.has(raw)) return null;
    const trimmed = raw.trim();
    return missing.has(trimmed) ? null : trimmed;
  }
  if (typeof raw === 'number') return Number.isNaN(raw) ? null : String(raw);
  if (typeof raw === 'boolean') return raw ? 'true' : 'false';
  return 'type_mismatch';
}

/** A short printable form of a raw value for quality examples and error messages. */
export function describeValue(raw: unknown): string {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (raw === undefined) text = 'undefined';
  else {
    try {
      text = JSON.stringify(raw) ?? String(raw);
    } catch {
      text = String(raw);
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
