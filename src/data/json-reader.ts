// Streaming JSON reading: an array of objects (`[{…}, {…}]`) or newline-delimited objects (NDJSON).
// The array is cut into elements by a small scanner that tracks nesting and strings across pieces,
// so only one element at a time is ever parsed; each element must be an object (one row).
import { EdgeflowError } from '../errors.ts';
import type { RowSink } from './table-builder.ts';
import { cancelled, type TextPiece } from './text-source.ts';

/** Options of the JSON readers. */
export interface JsonReadOptions {
  readonly signal?: AbortSignal;
  readonly onBytes?: (bytesRead: number) => void;
  readonly maxColumns: number;
}

const MAX_ELEMENT_CHARS = 16 << 20;

/**
 * Reads newline-delimited JSON objects into `sink`, one per non-empty line.
 *
 * @throws EdgeflowError `PARSE_ERROR` naming the line of invalid JSON or of a value that is not an object.
 */
export async function readNdjson(
  pieces: AsyncIterable<TextPiece>,
  sink: RowSink,
  options: JsonReadOptions,
): Promise<{ bytesRead: number }> {
  let carry = '';
  let line = 1;
  let bytesRead = 0;
  const handle = (text: string, at: number): void => {
    const trimmed = text.trim();
    if (trimmed.length === 0) return;
    addElement(trimmed, at, sink, options.maxColumns);
  };
  for await (const piece of pieces) {
    if (options.signal?.aborted) throw cancelled();
    bytesRead += piece.bytes;
    const text = carry + piece.text;
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      handle(text.slice(start, nl), line);
      line++;
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    carry = text.slice(start);
    if (carry.length > MAX_ELEMENT_CHARS) {
      throw new EdgeflowError('PARSE_ERROR', `Line ${line} is longer than 16 MiB; is this really NDJSON?`, {
        details: { line, problem: 'line_too_long' },
      });
    }
    options.onBytes?.(bytesRead);
  }
  handle(carry, line);
  return { bytesRead };
}

const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const NEWLINE = 10;

/**
 * Reads a JSON array of objects into `sink`, element by element.
 *
 * @throws EdgeflowError `PARSE_ERROR` naming the line of invalid JSON, of an element that is not an
 * object, or of a missing `[` / `]`.
 */
export async function readJsonArray(
  pieces: AsyncIterable<TextPiece>,
  sink: RowSink,
  options: JsonReadOptions,
): Promise<{ bytesRead: number }> {
  const scanner = new JsonArrayScanner(sink, options.maxColumns);
  let bytesRead = 0;
  for await (const piece of pieces) {
    if (options.signal?.aborted) throw cancelled();
    bytesRead += piece.bytes;
    scanner.push(piece.text);
    options.onBytes?.(bytesRead);
  }
  scanner.end();
  return { bytesRead };
}

class JsonArrayScanner {
  readonly #sink: RowSink;
  readonly #maxColumns: number;
  #text = '';
  #pos = 0;
  #line = 1;
  /** 0: before `[`; 1: between elements; 2: inside an element; 3: after `]`. */
  #state = 0;
  #depth = 0;
  #inString = false;
  #elementStart = 0;
  #elementLine = 1;
  #expectElement = true;

  constructor(sink: RowSink, maxColumns: number) {
    this.#sink = sink;
    this.#maxColumns = maxColumns;
  }

  push(piece: string): void {
    // Keep only the unfinished element (or nothing) from before.
    const keepFrom = this.#state === 2 ? this.#elementStart : this.#pos;
    this.#text = this.#text.slice(keepFrom) + piece;
    this.#pos -= keepFrom;
    this.#elementStart -= keepFrom;
    this.#scan();
    if (this.#state === 2 && this.#pos - this.#elementStart > MAX_ELEMENT_CHARS) {
      throw parseError(
        this.#elementLine,
        'An array element is longer than 16 MiB; is a brace or quote unclosed?',
      );
    }
  }

  end(): void {
    this.#scan();
    if (this.#state === 0) throw parseError(this.#line, 'Expected a JSON array ("[") but the input ended.');
    if (this.#state !== 3) {
      throw parseError(
        this.#state === 2 ? this.#elementLine : this.#line,
        this.#state === 2
          ? 'The array element starting here is never closed.'
          : 'The JSON array is never closed with "]".',
      );
    }
  }

  #scan(): void {
    const text = this.#text;
    const n = text.length;
    let pos = this.#pos;
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (this.#state === 2) {
        if (this.#inString) {
          // Jump to the next quote; it ends the string unless an odd number of backslashes precede it.
          const q = text.indexOf('"', pos);
          if (q === -1) {
            this.#line += countNewlines(text, pos, n);
            pos = n;
            break;
          }
          this.#line += countNewlines(text, pos, q);
          let backslashes = 0;
          for (let b = q - 1; b >= 0 && text.charCodeAt(b) === BACKSLASH; b--) backslashes++;
          pos = q + 1;
          if (backslashes % 2 === 0) this.#inString = false;
          continue;
        }
        if (c === QUOTE) this.#inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.#depth++;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          this.#depth--;
          if (this.#depth === 0) {
            addElement(
              text.slice(this.#elementStart, pos + 1),
              this.#elementLine,
              this.#sink,
              this.#maxColumns,
            );
            this.#state = 1;
            this.#expectElement = false;
          }
        } else if (c === NEWLINE) this.#line++;
        pos++;
        continue;
      }
      if (c === NEWLINE) {
        this.#line++;
        pos++;
        continue;
      }
      if (c === 32 || c === 9 || c === 13) {
        pos++;
        continue;
      }
      if (this.#state === 0) {
        if (c !== OPEN_BRACKET) {
          throw parseError(
            this.#line,
            'Expected a JSON array of objects ("[{…}, …]"). For one object per line, use format "ndjson".',
          );
        }
        this.#state = 1;
        this.#expectElement = true;
        pos++;
        continue;
      }
      if (this.#state === 3) throw parseError(this.#line, 'Unexpected text after the end of the JSON array.');
      // state 1: between elements
      if (c === CLOSE_BRACKET) {
        this.#state = 3;
        pos++;
        continue;
      }
      if (c === COMMA) {
        if (this.#expectElement) throw parseError(this.#line, 'Unexpected "," in the JSON array.');
        this.#expectElement = true;
        pos++;
        continue;
      }
      if (!this.#expectElement) throw parseError(this.#line, 'Expected "," or "]" between array elements.');
      if (c !== OPEN_BRACE) {
        throw parseError(
          this.#line,
          'Each array element must be an object ({"column": value, …}), one per row.',
        );
      }
      this.#state = 2;
      this.#depth = 1;
      this.#elementStart = pos;
      this.#elementLine = this.#line;
      pos++;
    }
    this.#pos = pos;
  }
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  let p = text.indexOf('\n', from);
  while (p !== -1 && p < to) {
    count++;
    p = text.indexOf('\n', p + 1);
  }
  return count;
}

function addElement(text: string, line: number, sink: RowSink, maxColumns: number): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new EdgeflowError(
      'PARSE_ERROR',
      `Line ${line}: invalid JSON (${error instanceof Error ? error.message : String(error)}).`,
      { cause: error, details: { line, problem: 'invalid_json' } },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw parseError(line, 'Each row must be a JSON object ({"column": value, …}).');
  }
  const row = value as Record<string, unknown>;
  if (sink.rowsRead === 0) {
    const count = Object.keys(row).length;
    if (count > maxColumns) {
      throw new EdgeflowError(
        'TOO_MANY_COLUMNS',
        `The first row has ${count} fields, more than the limit of ${maxColumns}. Raise maxColumns if this is intended.`,
        { details: { columns: count, limit: maxColumns, line } },
      );
    }
  }
  sink.addObjectRow(row, line);
}

function parseError(line: number, message: string): EdgeflowError {
  return new EdgeflowError('PARSE_ERROR', `Line ${line}: ${message}`, {
    details: { line, problem: 'invalid_json' },
  });
}
