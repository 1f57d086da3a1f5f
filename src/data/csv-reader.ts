// Streaming CSV/TSV reading. uDSV (the fastest JS CSV parser we measured) does the parsing; this
// file feeds it whole records in blocks of about a megabyte and checks its work, because uDSV is
// built for well-formed files and says nothing about bad ones: a short row silently borrows fields
// from the next line (or, before a quoted field, is padded with empty ones), extra fields end up in
// the last column, an unclosed quote runs to the end of the input.
//
// For each block a scan with indexOf (native speed) finds where records start and on which line,
// and which line ending the block uses; in a block with quotes it also visits every delimiter and
// quote outside quoted fields, so each record's field count is known exactly. After uDSV has parsed
// the block, its row count must equal the record count and every row must have the header's width
// (and, without quotes, no last field may hold the delimiter). Anything odd sends the block to the
// exact tokenizer (csv-tokenizer.ts), which names the line and the problem; the rare blocks uDSV
// cannot take (mixed line endings, a CR that is data) are read by the tokenizer directly.
import { initParser, type Parser, type Schema as UdsvSchema } from 'udsv';
import { EdgeflowError } from '../errors.ts';
import { detectDelimiter, tokenizeCsv } from './csv-tokenizer.ts';
import { type DecimalSeparator, decimalSink } from './decimal-separator.ts';
import type { RowSink } from './table-builder.ts';
import { cancelled, type TextPiece } from './text-source.ts';

/** Options of `readCsv`. */
export interface CsvReadOptions {
  /** Field delimiter; detected from the header line when absent. */
  readonly delimiter?: string;
  readonly maxColumns: number;
  readonly signal?: AbortSignal;
  /** Called after each piece of input with the bytes read so far. */
  readonly onBytes?: (bytesRead: number) => void;
  /** Characters gathered before a block is parsed (default 1 Mi; small values exercise block edges in tests). */
  readonly blockChars?: number;
  /**
   * A record whose field count differs from the header's: `'error'` (default) stops with
   * `PARSE_ERROR`; `'drop'` hands its line to `sink.dropRaggedRecord` and reads on (rowPolicy 'drop').
   */
  readonly raggedRows?: 'error' | 'drop';
  /** The decimal separator of numbers; detected from the first records when absent (issue 18.7). */
  readonly decimalSeparator?: DecimalSeparator;
}

/** What reading found out about the file. */
export interface CsvReadResult {
  readonly delimiter: string;
  /** The decimal separator numbers were read with (`,`: rewritten to `.` before typing). */
  readonly decimalSeparator: DecimalSeparator;
  readonly columns: readonly string[];
  readonly bytesRead: number;
}

const LF = 10;
const CR = 13;
const QUOTE = '"';
/** Characters gathered before a block is parsed. */
const BLOCK_CHARS = 1 << 20;
/** A record longer than this is almost surely an unclosed quote; stop instead of buffering the file. */
const MAX_RECORD_CHARS = 16 << 20;

/**
 * Reads CSV (RFC 4180) text pieces into `sink`: header first, then every record with its line.
 *
 * @throws EdgeflowError `PARSE_ERROR` (unterminated quote, text after a closing quote, ragged rows,
 * empty or duplicate header names, binary input), `TOO_MANY_COLUMNS`, `EMPTY_DATASET` (no header),
 * `CANCELLED`; and whatever the sink throws (`DATA_QUALITY` under rowPolicy 'error').
 */
export async function readCsv(
  pieces: AsyncIterable<TextPiece>,
  sink: RowSink,
  options: CsvReadOptions,
): Promise<CsvReadResult> {
  // Numbers with a decimal comma reach the sink with a point; deciding holds the first records back.
  const decimal = decimalSink(sink, options.decimalSeparator, () => reader.delimiter);
  const reader = new CsvBlockReader(decimal.sink, options);
  const blockChars = options.blockChars ?? BLOCK_CHARS;
  let pending: string[] = [];
  let pendingChars = 0;
  let bytesRead = 0;
  for await (const piece of pieces) {
    if (options.signal?.aborted) throw cancelled();
    bytesRead += piece.bytes;
    if (piece.text.length > 0) {
      pending.push(piece.text);
      pendingChars += piece.text.length;
    }
    if (pendingChars >= blockChars) {
      reader.push(pending.join(''), false);
      pending = [];
      pendingChars = 0;
    }
    options.onBytes?.(bytesRead);
  }
  reader.push(pending.join(''), true);
  decimal.flush();
  return {
    delimiter: reader.delimiter,
    decimalSeparator: decimal.separator,
    columns: reader.columns,
    bytesRead,
  };
}

class CsvBlockReader {
  readonly #sink: RowSink;
  readonly #options: CsvReadOptions;
  #carry = '';
  #line = 1;
  #header: string[] | null = null;
  #delimiter = ',';
  #crOnly = false;
  #parser: Parser | null = null;
  #udsvSchema: UdsvSchema | null = null;
  #width = 0;
  #recordLines = new Int32Array(1 << 16);
  #rowInBlock = 0;
  #recordsInBlock = 0;
  #anomaly = false;
  #quoted = false;
  /** Under `raggedRows: 'drop'`, uDSV's rows wait here until the block checks out (null otherwise). */
  #held: { row: string[]; line: number }[] | null = null;

  constructor(sink: RowSink, options: CsvReadOptions) {
    this.#sink = sink;
    this.#options = options;
  }

  get #dropRagged(): boolean {
    return this.#options.raggedRows === 'drop';
  }

  /** A record with the wrong field count: dropped and reported under `raggedRows: 'drop'`, else an error. */
  #ragged(line: number, fields: number): void {
    if (this.#dropRagged && this.#sink.dropRaggedRecord) this.#sink.dropRaggedRecord(line, fields);
    else throw raggedError(line, fields, this.#width);
  }

  get delimiter(): string {
    return this.#delimiter;
  }

  get columns(): readonly string[] {
    return this.#header ?? [];
  }

  push(piece: string, final: boolean): void {
    let text = this.#carry.length > 0 ? this.#carry + piece : piece;
    this.#carry = '';
    if (this.#header === null) {
      const rest = this.#readHeader(text, final);
      if (rest === null) {
        this.#carry = text;
        return;
      }
      text = text.slice(rest);
    }
    if (this.#crOnly) text = text.replaceAll('\r', '\n');
    const consumed = this.#width === 1 ? this.#readWithTokenizer(text, final) : this.#readBlock(text, final);
    this.#carry = text.slice(consumed);
    if (this.#carry.length > MAX_RECORD_CHARS) {
      const openQuote = tokenizeCsv(this.#carry, {
        delimiter: this.#delimiter,
        startLine: this.#line,
        final: true,
      });
      const where = openQuote.problem
        ? `a quoted field opened at line ${openQuote.problem.line}`
        : `line ${this.#line}`;
      throw new EdgeflowError(
        'PARSE_ERROR',
        `The record at line ${this.#line} is longer than ${MAX_RECORD_CHARS >> 20} MiB: ${where} is probably an unterminated quote. Close the quote (write "" for a quote inside a quoted field).`,
        { details: { line: openQuote.problem?.line ?? this.#line, problem: 'unterminated_quote' } },
      );
    }
  }

  /** Reads the header record; returns the offset after it, or null when more text is needed. */
  #readHeader(text: string, final: boolean): number | null {
    if (text.trim().length === 0) {
      if (!final) return null;
      throw new EdgeflowError(
        'EMPTY_DATASET',
        'The file is empty. Load a CSV file with a header line and data rows.',
        {
          details: { line: 1 },
        },
      );
    }
    checkNotBinary(text.slice(0, 65536), 1);
    const firstBreak = text.search(/[\r\n]/);
    if (firstBreak === -1 && !final) return null;
    const firstLine = firstBreak === -1 ? text : text.slice(0, firstBreak);
    this.#delimiter = this.#options.delimiter ?? detectDelimiter(firstLine);
    const tokens = tokenizeCsv(text, { delimiter: this.#delimiter, final, maxRecords: 1, loneCr: true });
    if (tokens.problem)
      throw syntaxError(tokens.problem.problem, tokens.problem.line, tokens.problem.field, null);
    const record = tokens.records[0];
    if (!record) {
      if (!final) return null;
      throw new EdgeflowError('EMPTY_DATASET', 'The file has no header line.', { details: { line: 1 } });
    }
    const names = record.fields.map((name) => name.trim());
    if (names.length > this.#options.maxColumns) {
      throw new EdgeflowError(
        'TOO_MANY_COLUMNS',
        `The header has ${names.length} columns, more than the limit of ${this.#options.maxColumns}. Raise maxColumns if this is intended, or check the delimiter ("${printable(this.#delimiter)}").`,
        { details: { columns: names.length, limit: this.#options.maxColumns, line: record.line } },
      );
    }
    checkHeaderNames(names, record.line);
    this.#header = names;
    this.#width = names.length;
    const ending = text.charCodeAt(record.end - 1);
    this.#crOnly = ending === CR;
    this.#line = tokens.restLine;
    this.#sink.beginColumns(names);
    return record.end;
  }

  /** Single-column files go through the exact tokenizer (uDSV reads a quoted empty value as an empty line there). */
  #readWithTokenizer(text: string, final: boolean): number {
    const tokens = tokenizeCsv(text, { delimiter: this.#delimiter, startLine: this.#line, final });
    for (const record of tokens.records) {
      if (record.fields.length !== this.#width) this.#ragged(record.line, record.fields.length);
      else this.#sink.addStringRow(record.fields, record.line);
    }
    if (tokens.problem)
      throw syntaxError(tokens.problem.problem, tokens.problem.line, tokens.problem.field, this.#header);
    this.#line = tokens.restLine;
    return tokens.rest;
  }

  /** Scans, parses with uDSV and checks one block of whole records; returns the characters consumed. */
  #readBlock(text: string, final: boolean): number {
    if (this.#dropRagged) return this.#readBlockDroppingRagged(text, final);
    return this.#readCheckedBlock(text, final);
  }

  /**
   * rowPolicy 'drop': the fast path while the block is well formed; a block with a ragged record
   * (found by the scan, or by uDSV's row check, before any of its rows reached the sink) is read
   * again by the exact tokenizer, which drops that record and keeps the others.
   */
  #readBlockDroppingRagged(text: string, final: boolean): number {
    const startLine = this.#line;
    this.#held = [];
    try {
      const consumed = this.#readCheckedBlock(text, final);
      for (const { row, line } of this.#held) this.#sink.addStringRow(row, line);
      return consumed;
    } catch (error) {
      if (!isRaggedError(error)) throw error;
      // uDSV stops on a false return and keeps half a block; start it afresh for the next block.
      this.#parser = null;
      this.#line = startLine;
      return this.#readWithTokenizer(text, final);
    } finally {
      this.#held = null;
    }
  }

  #readCheckedBlock(text: string, final: boolean): number {
    const scan = this.#scan(text, final);
    if (scan.records === 0) {
      this.#line = scan.endLine;
      return scan.end;
    }
    const consumed = scan.end;
    let block = consumed === text.length ? text : text.slice(0, consumed);
    if ((scan.crlf > 0 && scan.lf > 0) || hasLoneCr(block)) {
      // Mixed line endings, or a CR outside a CRLF pair (uDSV would take a field starting with it
      // for a line end in a CRLF file): this (rare) block goes through the exact tokenizer.
      this.#readWithTokenizer(block, true);
      this.#line = scan.endLine;
      return consumed;
    }
    const rowDelimiter = scan.crlf > 0 ? '\r\n' : '\n';
    if (scan.unterminatedLast) block += rowDelimiter;
    this.#parse(block, rowDelimiter, scan.quoted, scan.startLine);
    if (this.#anomaly || this.#rowInBlock !== scan.records) this.#locate(block, scan.startLine);
    this.#line = scan.endLine;
    return consumed;
  }

  #parse(block: string, rowDelimiter: string, quoted: boolean, startLine: number): void {
    if (this.#parser === null) {
      // Our own uDSV schema: no header row to skip (we read it), every column a string (we type the values).
      this.#udsvSchema = {
        skip: 0,
        col: this.#delimiter,
        row: rowDelimiter,
        encl: '',
        esc: '',
        trim: false,
        cols: (this.#header as string[]).map((name) => ({
          name,
          type: 's',
          repl: { empty: null, null: undefined, NaN: undefined },
        })),
      } as UdsvSchema;
      this.#parser = initParser(this.#udsvSchema);
    }
    const schema = this.#udsvSchema as { row: string; encl: string; esc: string };
    // uDSV reads these per call: the quote-free fast path when the block has no quote at all.
    schema.row = rowDelimiter;
    schema.encl = quoted ? QUOTE : '';
    schema.esc = quoted ? QUOTE : '';
    this.#quoted = quoted;
    this.#rowInBlock = 0;
    this.#anomaly = false;
    const parser = this.#parser;
    try {
      parser.chunk<string[]>(block, parser.stringArrs, this.#onRow);
    } catch (error) {
      // A value error may really be a ragged row that shifted the fields: prefer the structural error.
      this.#locate(block, startLine, true);
      throw error;
    }
  }

  readonly #onRow = (row: string[]): boolean => {
    const index = this.#rowInBlock++;
    const last = row.length - 1;
    if (row.length !== this.#width || index >= this.#recordsInBlock) {
      this.#anomaly = true;
      return false;
    }
    // Without quotes, a last field holding the delimiter means extra fields (the scan counted the
    // fields of quoted blocks already).
    if (!this.#quoted && (row[last] as string).indexOf(this.#delimiter) !== -1) {
      this.#anomaly = true;
      return false;
    }
    const line = this.#recordLines[index] as number;
    if (this.#held) this.#held.push({ row, line });
    else this.#sink.addStringRow(row, line);
    return true;
  };

  /**
   * Finds the first structural problem in a block with the exact tokenizer and throws it. With
   * `quiet`, returns when there is none (the caller has its own error to throw).
   */
  #locate(block: string, startLine: number, quiet = false): void {
    // uDSV stops on a false return and keeps half a block; start it afresh for the next block.
    this.#parser = null;
    const tokens = tokenizeCsv(block, { delimiter: this.#delimiter, startLine, final: true });
    for (const record of tokens.records) {
      if (record.fields.length !== this.#width)
        throw raggedError(record.line, record.fields.length, this.#width);
    }
    if (tokens.problem)
      throw syntaxError(tokens.problem.problem, tokens.problem.line, tokens.problem.field, this.#header);
    if (quiet) return;
    throw new EdgeflowError(
      'PARSE_ERROR',
      `Could not read the records starting at line ${startLine}: the parser and the checker disagree. Please report this file's layout as a bug.`,
      { details: { line: startLine, problem: 'parser_disagreement' } },
    );
  }

  /** The exact error for a record the scan found broken (naming its column), from the tokenizer. */
  #recordError(
    text: string,
    start: number,
    startLine: number,
    problem: 'unterminated_quote' | 'text_after_quote',
    line: number,
  ): EdgeflowError {
    const tokens = tokenizeCsv(text.slice(start), {
      delimiter: this.#delimiter,
      startLine,
      final: true,
      maxRecords: 1,
    });
    const found = tokens.problem;
    if (found) return syntaxError(found.problem, found.line, found.field, this.#header);
    return syntaxError(problem, line, -1, this.#header);
  }

  /**
   * Finds the complete records of `text`: their count, start offsets and lines, where the last one
   * ends, whether any quote opens a field, and which line endings are used. A block without quotes
   * takes one indexOf per line; with quotes, every delimiter, quote and line break outside quoted
   * fields is visited, so each record's field count is known exactly (uDSV pads a short row that
   * ends in a quoted or empty field instead of reporting it).
   *
   * @throws EdgeflowError `PARSE_ERROR` for a ragged record, an unterminated quote or text after a
   * closing quote (in a block with quotes).
   */
  #scan(text: string, final: boolean) {
    const delimiter = this.#delimiter;
    const delimiterCode = delimiter.charCodeAt(0);
    const width = this.#width;
    const n = text.length;
    let line = this.#line;
    const startLine = line;
    let records = 0;
    let recordStart = 0;
    let recordLine = line;
    let crlf = 0;
    let lf = 0;
    let quoted = false;
    let unterminatedLast = false;
    let lines = this.#recordLines;
    const addRecord = (at: number): void => {
      if (records === lines.length) {
        this.#recordLines = lines = growInt32(lines);
      }
      lines[records] = at;
      records++;
    };
    const done = (end: number, endLine: number) => {
      this.#recordsInBlock = records;
      return { records, end, endLine, startLine, crlf, lf, quoted, unterminatedLast };
    };
    let nextQuote = text.indexOf(QUOTE);
    let nextBreak = text.indexOf('\n');

    if (nextQuote === -1) {
      // No quote at all: one indexOf per line; uDSV's checks after parsing catch ragged rows.
      while (nextBreak !== -1) {
        const cr = nextBreak > recordStart && text.charCodeAt(nextBreak - 1) === CR;
        if (cr) crlf++;
        else lf++;
        if (nextBreak !== recordStart && !(cr && nextBreak === recordStart + 1)) {
          if (records === lines.length) {
            this.#recordLines = lines = growInt32(lines);
          }
          lines[records] = line;
          records++;
        }
        line++;
        recordStart = nextBreak + 1;
        nextBreak = text.indexOf('\n', recordStart);
      }
      if (final && recordStart < n) {
        addRecord(line);
        unterminatedLast = true;
        return done(n, line);
      }
      return done(recordStart, line);
    }

    let nextDelimiter = text.indexOf(delimiter);
    let fields = 1;
    while (true) {
      // The next event outside quoted fields: a delimiter, a line break or a quote.
      let event = nextBreak;
      if (nextDelimiter !== -1 && (event === -1 || nextDelimiter < event)) event = nextDelimiter;
      if (nextQuote !== -1 && (event === -1 || nextQuote < event)) event = nextQuote;
      if (event === -1) break;
      if (event === nextDelimiter) {
        fields++;
        nextDelimiter = text.indexOf(delimiter, event + 1);
        continue;
      }
      if (event === nextBreak) {
        const cr = event > recordStart && text.charCodeAt(event - 1) === CR;
        if (cr) crlf++;
        else lf++;
        const empty = event === recordStart || (cr && event === recordStart + 1);
        if (!empty) {
          if (fields !== width) throw raggedError(recordLine, fields, width);
          addRecord(recordLine);
        }
        line++;
        recordStart = event + 1;
        recordLine = line;
        fields = 1;
        nextBreak = text.indexOf('\n', recordStart);
        continue;
      }
      const q = event;
      if (q !== recordStart && text.charCodeAt(q - 1) !== delimiterCode) {
        // A quote inside an unquoted field is an ordinary character.
        nextQuote = text.indexOf(QUOTE, q + 1);
        continue;
      }
      quoted = true;
      let p = q + 1;
      let close = -1;
      while (true) {
        const c = text.indexOf(QUOTE, p);
        if (c === -1) break;
        if (c + 1 < n && text.charCodeAt(c + 1) === 34) {
          p = c + 2;
          continue;
        }
        if (c + 1 >= n && !final) break; // the next piece may start with the second quote of ""
        close = c;
        break;
      }
      if (close === -1) {
        if (final) throw this.#recordError(text, recordStart, recordLine, 'unterminated_quote', line);
        // The record continues in the next piece.
        return done(recordStart, recordLine);
      }
      const after = close + 1 < n ? text.charCodeAt(close + 1) : -1;
      if (after !== delimiterCode && after !== LF && after !== CR && after !== -1) {
        throw this.#recordError(
          text,
          recordStart,
          recordLine,
          'text_after_quote',
          line + countLf(text, q, close),
        );
      }
      // Line breaks and delimiters inside the quoted field belong to its value.
      while (nextBreak !== -1 && nextBreak < close) {
        line++;
        nextBreak = text.indexOf('\n', nextBreak + 1);
      }
      if (nextDelimiter !== -1 && nextDelimiter < close) nextDelimiter = text.indexOf(delimiter, close + 1);
      nextQuote = text.indexOf(QUOTE, close + 1);
    }
    if (final && recordStart < n) {
      // (A CR ending the input is a line end to the tokenizer, which reads such a block.)
      if (fields !== width && text.charCodeAt(n - 1) !== CR) throw raggedError(recordLine, fields, width);
      addRecord(recordLine);
      unterminatedLast = true;
      return done(n, line);
    }
    // An unfinished record (no line break yet) waits for the next piece, from its first line.
    return done(recordStart, recordLine);
  }
}

/** True when a CR in `text` is not followed by LF. */
function hasLoneCr(text: string): boolean {
  for (let p = text.indexOf('\r'); p !== -1; p = text.indexOf('\r', p + 1)) {
    if (text.charCodeAt(p + 1) !== LF) return true;
  }
  return false;
}

function growInt32(array: Int32Array): Int32Array<ArrayBuffer> {
  const next = new Int32Array(array.length * 2);
  next.set(array);
  return next;
}

function countLf(text: string, from: number, to: number): number {
  let count = 0;
  let p = text.indexOf('\n', from);
  while (p !== -1 && p < to) {
    count++;
    p = text.indexOf('\n', p + 1);
  }
  return count;
}

function checkHeaderNames(names: readonly string[], line: number): void {
  const seen = new Map<string, number>();
  names.forEach((name, index) => {
    if (name.length === 0) {
      throw new EdgeflowError(
        'PARSE_ERROR',
        `Header line ${line}: column ${index + 1} has an empty name. Give every column a name.`,
        { details: { line, column: index + 1, problem: 'empty_header' } },
      );
    }
    const first = seen.get(name);
    if (first !== undefined) {
      throw new EdgeflowError(
        'PARSE_ERROR',
        `Header line ${line}: columns ${first + 1} and ${index + 1} are both named "${name}". Rename one of them.`,
        { details: { line, column: index + 1, name, firstColumn: first + 1, problem: 'duplicate_header' } },
      );
    }
    seen.set(name, index);
  });
}

function checkNotBinary(text: string, line: number): void {
  const nul = text.indexOf('\0');
  let replacements = 0;
  const probe = Math.min(text.length, 65536);
  for (let p = text.indexOf('\uFFFD'); p !== -1 && p < probe; p = text.indexOf('\uFFFD', p + 1))
    replacements++;
  if (nul !== -1 || replacements > probe / 100) {
    const at = nul === -1 ? line : line + countLf(text, 0, nul);
    throw new EdgeflowError(
      'PARSE_ERROR',
      `This does not look like a text file (${nul !== -1 ? 'a NUL byte' : 'bytes that are not UTF-8'} near line ${at}). Export the data as CSV, TSV or JSON in UTF-8; spreadsheets (.xlsx) and archives cannot be read directly.`,
      { details: { line: at, problem: 'binary' } },
    );
  }
}

function isRaggedError(error: unknown): boolean {
  return (
    error instanceof EdgeflowError &&
    error.code === 'PARSE_ERROR' &&
    (error.details as { problem?: unknown } | undefined)?.problem === 'ragged_row'
  );
}

function raggedError(line: number, fields: number, width: number): EdgeflowError {
  return new EdgeflowError(
    'PARSE_ERROR',
    `Line ${line} has ${fields} field${fields === 1 ? '' : 's'}, but the header has ${width}. Every row needs one value per column (leave a value empty, don't drop it; quote values that contain the delimiter).`,
    { details: { line, fields, expected: width, problem: 'ragged_row' } },
  );
}

function syntaxError(
  problem: 'unterminated_quote' | 'text_after_quote',
  line: number,
  field: number,
  header: readonly string[] | null,
): EdgeflowError {
  const column = field >= 0 && header ? header[field] : undefined;
  const where = `line ${line}${column !== undefined ? `, column "${column}"` : ''}`;
  const message =
    problem === 'unterminated_quote'
      ? `A quoted field opened at ${where} is never closed. Close the quote (write "" for a quote inside a quoted field).`
      : `Text follows a closing quote at ${where}. A quoted field must end at a delimiter or the line end; write "" for a quote inside a quoted field.`;
  return new EdgeflowError('PARSE_ERROR', message, {
    details: { line, problem, ...(column !== undefined ? { column } : {}) },
  });
}

function printable(delimiter: string): string {
  return delimiter === '\t' ? '\\t' : delimiter;
}
