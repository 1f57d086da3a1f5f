// An exact RFC 4180 tokenizer, character by character. It is the reference the fast path (uDSV plus
// the block scanner in csv-reader.ts) is checked against: it reads the header, reads single-column
// files, and, when the fast path sees anything odd, finds the record that is wrong and says why.
//
// Rules (the same the fast path follows): records end at LF or CRLF outside quotes (and at a lone
// CR when `loneCr` is set, for old Mac files; otherwise a lone CR is data); an empty line is skipped;
// a field that starts with the quote character is quoted, `""` inside it is one quote, and the
// closing quote must be followed by a delimiter, a line end or the end of input; a quote inside an
// unquoted field is an ordinary character.

/** One record of a CSV text. */
export interface CsvRecord {
  readonly fields: string[];
  /** Line (1-based, counting from the text's `startLine`) where the record starts. */
  readonly line: number;
  /** Offset of the record's first character in the text. */
  readonly start: number;
  /** Offset just past the record's line end (or the end of the text). */
  readonly end: number;
}

/** A structural problem found by the tokenizer. */
export interface CsvSyntaxProblem {
  readonly problem: 'unterminated_quote' | 'text_after_quote';
  /** Line where the problem is (for an unterminated quote: where the quote opened). */
  readonly line: number;
  /** 0-based field index within its record. */
  readonly field: number;
  readonly offset: number;
}

/** The outcome of tokenizing: complete records, where the unread rest starts, and any problem. */
export interface CsvTokens {
  readonly records: CsvRecord[];
  /** Offset of the first character not part of a complete record (text.length when all was read). */
  readonly rest: number;
  /** Line number at `rest`. */
  readonly restLine: number;
  readonly problem: CsvSyntaxProblem | null;
}

const LF = 10;
const CR = 13;
/** `lineBreak` result when the text ends in a CR that the next chunk may complete as CRLF. */
const UNDECIDED = -1;

/**
 * Tokenizes `text` into records. With `final` false, a record not yet ended by a line break (it may
 * continue in the next chunk) is left unread; with `final` true, it is the last record. Stops at
 * `maxRecords` complete records.
 */
export function tokenizeCsv(
  text: string,
  options: {
    delimiter: string;
    quote?: string;
    startLine?: number;
    final: boolean;
    maxRecords?: number;
    loneCr?: boolean;
  },
): CsvTokens {
  const delimiter = options.delimiter.charCodeAt(0);
  const quoteChar = options.quote ?? '"';
  const quote = quoteChar.charCodeAt(0);
  const maxRecords = options.maxRecords ?? Number.POSITIVE_INFINITY;
  const loneCr = options.loneCr ?? false;
  const final = options.final;
  const n = text.length;
  /** Length of the line break at `at` (0: none). */
  const lineBreak = (at: number): number => {
    const c = text.charCodeAt(at);
    if (c === LF) return 1;
    if (c !== CR) return 0;
    // A CR that ends the input is a line end (an editor's stray final CR), never data.
    if (at + 1 >= n) return final ? 1 : UNDECIDED;
    if (text.charCodeAt(at + 1) === LF) return 2;
    return loneCr ? 1 : 0;
  };
  const records: CsvRecord[] = [];
  let line = options.startLine ?? 1;
  let pos = 0;
  const incomplete = (recordStart: number, recordLine: number): CsvTokens => ({
    records,
    rest: recordStart,
    restLine: recordLine,
    problem: null,
  });

  while (pos < n && records.length < maxRecords) {
    const recordStart = pos;
    const recordLine = line;
    // An empty line is skipped, as uDSV does.
    const empty = lineBreak(pos);
    if (empty === UNDECIDED) return incomplete(recordStart, recordLine);
    if (empty > 0) {
      pos += empty;
      line++;
      continue;
    }
    const fields: string[] = [];
    while (true) {
      const fieldIndex = fields.length;
      if (pos < n && text.charCodeAt(pos) === quote) {
        const openLine = line;
        const openOffset = pos;
        let p = pos + 1;
        let value = '';
        let closed = false;
        while (p < n) {
          const q = text.indexOf(quoteChar, p);
          if (q === -1) break;
          value += text.slice(p, q);
          line += countLineBreaks(text, p, q, loneCr);
          if (q + 1 < n && text.charCodeAt(q + 1) === quote) {
            value += quoteChar;
            p = q + 2;
            continue;
          }
          if (q + 1 >= n && !final) break; // the next chunk may start with the second quote of ""
          p = q + 1;
          closed = true;
          break;
        }
        if (!closed) {
          if (!final) return incomplete(recordStart, recordLine);
          return {
            records,
            rest: recordStart,
            restLine: recordLine,
            problem: { problem: 'unterminated_quote', line: openLine, field: fieldIndex, offset: openOffset },
          };
        }
        pos = p;
        fields.push(value);
        if (pos >= n) {
          if (!final) return incomplete(recordStart, recordLine);
          break;
        }
        if (text.charCodeAt(pos) === delimiter) {
          pos++;
          continue;
        }
        const ending = lineBreak(pos);
        if (ending === UNDECIDED) return incomplete(recordStart, recordLine);
        if (ending > 0) {
          pos += ending;
          line++;
          break;
        }
        return {
          records,
          rest: recordStart,
          restLine: recordLine,
          problem: { problem: 'text_after_quote', line, field: fieldIndex, offset: pos },
        };
      }
      // Unquoted field: up to the next delimiter or line break.
      let p = pos;
      let ending = 0;
      while (p < n) {
        const c = text.charCodeAt(p);
        if (c === delimiter) break;
        if (c === LF || c === CR) {
          ending = lineBreak(p);
          if (ending !== 0) break;
        }
        p++;
      }
      if (ending === UNDECIDED) return incomplete(recordStart, recordLine);
      fields.push(text.slice(pos, p));
      if (p >= n) {
        if (!final) return incomplete(recordStart, recordLine);
        pos = p;
        break;
      }
      if (ending === 0) {
        pos = p + 1; // a delimiter
        continue;
      }
      pos = p + ending;
      line++;
      break;
    }
    records.push({ fields, line: recordLine, start: recordStart, end: pos });
  }
  return { records, rest: pos, restLine: line, problem: null };
}

/** Line breaks (LF or CRLF, once each; and a lone CR when `loneCr`) in `text[from, to)`. */
export function countLineBreaks(text: string, from: number, to: number, loneCr = false): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) count++;
    else if (loneCr && c === CR && text.charCodeAt(i + 1) !== LF) count++;
  }
  return count;
}

const DELIMITER_CANDIDATES = [',', '\t', ';', '|'];

/**
 * Picks the delimiter of a header line: the candidate (comma, tab, semicolon, pipe) that occurs most
 * often outside quotes; comma when none does.
 */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>();
  let inQuotes = false;
  for (let i = 0; i < headerLine.length; i++) {
    const ch = headerLine[i] as string;
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && DELIMITER_CANDIDATES.includes(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  let bestCount = 0;
  for (const candidate of DELIMITER_CANDIDATES) {
    const count = counts.get(candidate) ?? 0;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/** Formats rows as RFC 4180 CSV (quoting only where needed), for tests, samples and exports. */
export function formatCsv(rows: readonly (readonly string[])[], delimiter = ',', lineEnd = '\n'): string {
  const quoted = (value: string, alone: boolean): string =>
    value.includes(delimiter) ||
    value.includes('"') ||
    value.includes('\n') ||
    value.includes('\r') ||
    // A lone empty field would read as an empty line, which is skipped.
    (alone && value.length === 0)
      ? `"${value.replaceAll('"', '""')}"`
      : value;
  let out = '';
  for (const row of rows)
    out += row.map((value) => quoted(value, row.length === 1)).join(delimiter) + lineEnd;
  return out;
}
