// Number, byte and duration formatting shared by the page's panels.

/** A number with about four significant digits; '–' for null, undefined or not finite. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-3) return value.toExponential(2);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Number(value.toPrecision(digits)).toString();
}

/** Bytes in B, KiB, MiB or GiB. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Milliseconds as "850 ms", "12.3 s" or "4 min 05 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** A timestamp as local date and time. */
export function formatTime(at: number): string {
  // One formatter for every call: `toLocaleString` with options builds a new one each time, which
  // made the runs table's refreshes during training a main-thread cost of its own.
  timeFormat ??= new Intl.DateTimeFormat('en-GB', { dateStyle: 'short', timeStyle: 'medium' });
  return timeFormat.format(at);
}
let timeFormat: Intl.DateTimeFormat | undefined;

/**
 * The message of anything thrown: the sentence first, the EdgeflowError code after it in brackets
 * (issue 18.10: a user reads the sentence; the code is for reports). Where there is room for it,
 * `ErrorMessage` (error-message.tsx) keeps the code in a details element instead.
 */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/**
 * A table cell for display: numbers read as float32 lose their decimal form (48.8 → 48.79999923…),
 * so they are shown with float32's seven significant digits.
 */
export function formatCell(value: unknown): string {
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(7)));
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** An axis tick: up to six significant digits, no thousands separators (years read as 2008). */
export function formatTick(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** A signed difference with about four significant digits: "+0.0123", "−0.5", "0". */
export function formatSigned(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (value === 0) return '0';
  const text = formatNumber(Math.abs(value), digits);
  return value > 0 ? `+${text}` : `−${text}`;
}

/** A fraction as a percentage with three significant digits: 0.05 → "5 %", -0.0123 → "−1.23 %". */
export function formatPercent(fraction: number | null | undefined, signed = false): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–';
  const percent = Number((fraction * 100).toPrecision(3));
  const magnitude = `${Math.abs(percent)} %`;
  if (percent === 0) return '0 %';
  if (percent < 0) return `−${magnitude}`;
  return signed ? `+${magnitude}` : magnitude;
}
