import { isAscii } from 'node:buffer';
import { sourceOf } from './paths.js';
import type { Options } from 'csv-parse';
import { EncodingFault, openDecoded, type DecodedStream } from './decode.js';
import { sniffDelimiter, sniffEol } from './delimiter.js';
import { headerAt, skippedRows, type HeaderCandidate } from './header-row.js';
import { LineCounter } from './line-counter.js';
import { CsvScanner } from './csv-scanner.js';
import { pieceEnd } from './pieces.js';
import type { RawValue } from '../core/model/canonical.js';
import type { RawRecord, ReadEvent, ReadOptions, ReadProblem } from './types.js';
import { encodingProblem } from './problems.js';
import { unneutralise } from './formula.js';
import type { CsvDialect } from './dialect.js';

const SNIFF_BYTES = 64 * 1024;
/**
 * The CSV text is decoded and scanned 16 KB at a time (a quarter of PIECE_BYTES): the hundred-odd
 * records of a piece are checked while they are still in the processor's cache. At a million rows
 * (bench/validate.ts) that took 0.97 of the CPU of 64 KB pieces, and 98 MB at peak rather than 113.
 */
const CSV_PIECE_BYTES = 16 * 1024;
/** The longest CSV record (or NDJSON line) read: past this, the row is an error naming its line. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

/**
 * Streams a CSV file: the header first, then one record per row with the physical line it starts on,
 * in batches (one per chunk read: a per-record async hop would cost more than the parse). Memory stays
 * bounded whatever the file's size. Problems come in file order; a fatal one (bad encoding,
 * unterminated quote) ends the stream.
 */
export async function* readCsv(file: string, options: ReadOptions = {}): AsyncGenerator<ReadEvent[]> {
  const decoded = await openDecoded(sourceOf(file, options), options.encoding, options.onRead);
  let head: { chunks: Buffer[]; ended: boolean };
  try {
    head = await readHead(decoded);
  } catch (error) {
    yield [
      { kind: 'header', file, format: 'csv', columns: [], encoding: decoded.encoding },
      { kind: 'problem', problem: await faultProblem(file, error, decoded) },
    ];
    return;
  }
  const text = Buffer.concat(head.chunks).toString('utf8');
  const delimiter = options.delimiter ?? sniffDelimiter(text, head.ended);
  // How the file is written, for the files handed back to its author (an annotated copy, its failed rows).
  const dialect: CsvDialect = { encoding: decoded.encoding, bom: decoded.bom, delimiter, eol: sniffEol(text), quote: '"', formulaGuard: true };
  const rows = new CsvRows(file, dialect);
  const parsers = await CsvParsers.open(delimiter, rows, (options.csvParser ?? csvParserFromEnv()) === 'scanner');
  async function* chunks(): AsyncGenerator<Buffer> {
    yield* head.chunks;
    if (!head.ended) yield* decoded.chunks;
  }
  let failure: ReadProblem | undefined;
  try {
    for await (const chunk of chunks()) {
      const error = yield* parsers.read(chunk);
      if (error) {
        failure = csvProblem(file, parsers.nextLine(), error);
        break;
      }
    }
    if (!failure) {
      const error = yield* parsers.finish();
      if (error) failure = csvProblem(file, parsers.nextLine(), error);
    }
  } catch (error) {
    failure = await faultProblem(file, error, decoded);
  }
  rows.finish(); // the lines held while the header was not known (a short file, or one cut short)
  const tail: ReadEvent[] = rows.take();
  if (!rows.columns) tail.push({ kind: 'header', file, format: 'csv', columns: [], delimiter, encoding: decoded.encoding, dialect });
  if (failure) tail.push({ kind: 'problem', problem: failure });
  if (tail.length) yield tail;
}

/** The first chunks of a file, SNIFF_BYTES or more (`ended`: all of it), to find its delimiter in. */
async function readHead(decoded: DecodedStream): Promise<{ chunks: Buffer[]; ended: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  while (size < SNIFF_BYTES) {
    const next = await decoded.chunks.next();
    if (next.done) return { chunks, ended: true };
    chunks.push(next.value);
    size += next.value.length;
  }
  return { chunks, ended: false };
}

/**
 * Who reads a CSV file's text: the scanner, until it meets what only csv-parse reads exactly; then
 * csv-parse reads the rest. csv-parse itself is loaded only when it reads something: most files never
 * need it.
 */
class CsvParsers {
  private scanner: CsvScanner | undefined;
  private reference: ReferenceParser | undefined;
  private Parser: ParserClass | undefined;

  private constructor(
    private readonly delimiter: string,
    private readonly rows: CsvRows,
  ) {}

  static async open(delimiter: string, rows: CsvRows, scan: boolean): Promise<CsvParsers> {
    const parsers = new CsvParsers(delimiter, rows);
    if (scan && CsvScanner.handles(delimiter)) parsers.scanner = new CsvScanner(delimiter);
    else {
      parsers.Parser = await csvParse();
      parsers.reference = new ReferenceParser(parsers.Parser, delimiter, undefined, 1);
    }
    return parsers;
  }

  /** Reads a chunk, yielding its events as they come; returns csv-parse's error, if it met one. */
  async *read(chunk: Buffer): AsyncGenerator<ReadEvent[], Error | undefined> {
    const { rows } = this;
    let error: Error | undefined;
    if (!this.scanner) {
      error = this.reference!.read(chunk, false, rows.row);
      rows.scanned(chunk.length);
    }
    // Decoded in pieces (see CSV_PIECE_BYTES), and the records of each piece are passed on before the
    // next is read, so few are alive at once.
    // A chunk all ASCII (nearly every file) reads as Latin-1, the same text: a copy of its bytes, several times cheaper than UTF-8's decoding.
    const encoding = isAscii(chunk) ? 'latin1' : 'utf8';
    for (let at = 0; this.scanner && at < chunk.length && !error; ) {
      const end = pieceEnd(chunk, at, CSV_PIECE_BYTES);
      if (!this.scanner.scan(chunk.toString(encoding, at, end), false, rows.row)) error = await this.takeOver(chunk.subarray(end));
      rows.scanned(end - at);
      at = end;
      if (rows.events.length) yield rows.take();
    }
    if (rows.events.length) yield rows.take();
    return error;
  }

  /** Reads what is left at the end of the file; returns csv-parse's error, if it met one. */
  async *finish(): AsyncGenerator<ReadEvent[], Error | undefined> {
    const { rows } = this;
    let error: Error | undefined;
    if (!this.scanner) error = this.reference!.read(undefined, true, rows.row);
    else if (!this.scanner.scan('', true, rows.row)) error = await this.takeOver(undefined);
    if (rows.events.length) yield rows.take();
    return error;
  }

  /** The line where csv-parse met its error. */
  nextLine(): number {
    return this.reference!.nextLine();
  }

  /** csv-parse takes over from the scanner at the record it gave up on; `after`: the bytes not yet scanned. */
  private async takeOver(after: Buffer | undefined): Promise<Error | undefined> {
    const scanner = this.scanner!;
    this.Parser ??= await csvParse();
    const reference = new ReferenceParser(this.Parser, this.delimiter, scanner.eol, scanner.line);
    this.reference = reference;
    const rest = Buffer.from(scanner.rest!, 'utf8');
    this.scanner = undefined;
    const error = reference.read(after?.length ? Buffer.concat([rest, after]) : rest, false, this.rows.row);
    return error ?? (after ? undefined : reference.read(undefined, true, this.rows.row));
  }
}

type ParserClass = typeof import('csv-parse').Parser;

async function csvParse(): Promise<ParserClass> {
  return (await import('csv-parse')).Parser;
}

/** HRSYNC_CSV_PARSER=csv-parse makes every CSV file read by csv-parse alone (to compare, or to rule the scanner out). */
function csvParserFromEnv(): 'scanner' | 'csv-parse' {
  return process.env.HRSYNC_CSV_PARSER === 'csv-parse' ? 'csv-parse' : 'scanner';
}

/** A CSV row's cells turned into events: the header (headerAt: a title line above it is skipped), then records, ragged rows, stray values. */
class CsvRows {
  events: ReadEvent[] = [];
  columns: string[] | undefined;
  private csvHeader: CsvHeader | undefined;
  private width = 0; // cells in the header row, unnamed trailing ones included
  private headerLine = 1;
  /** The lines with a value read before the header is known (a title above it?). */
  private pending: Array<HeaderCandidate & { texts: string[]; clean: boolean }> = [];
  /** Said with the first record: the lines skipped above the header. */
  private skipped: ReadProblem | undefined;

  constructor(
    private readonly file: string,
    private readonly dialect: CsvDialect,
  ) {}

  private header: (ReadEvent & { kind: 'header' }) | undefined;
  private records = 0;
  private bytes = 0;

  /** Bytes read into rows so far: the header event tells the bytes per record of the first batch. */
  scanned(bytes: number): void {
    this.bytes += bytes;
  }

  take(): ReadEvent[] {
    if (this.header && this.records > 0) {
      this.header.bytesPerRecord = this.bytes / this.records;
      this.header = undefined;
    }
    const events = this.events;
    this.events = [];
    return events;
  }

  /** `clean`: the text the row was read from holds no control character. */
  readonly row = (cells: string[], line: number, clean = false): void => {
    if (this.csvHeader) return this.record(cells, line, clean);
    if (blank(cells) && this.pending.length === 0) return this.takeHeader(cells, line); // as ever: a blank first line is the header
    if (blank(cells)) return;
    this.pending.push({ row: line, cells: cells.map((value, i) => ({ column: i + 1, value })), texts: cells, clean });
    this.settle(false);
  };

  /** The end of the text (or a fault in it): the lines held while the header was not known are read now. */
  finish(): void {
    if (!this.csvHeader && this.pending.length) this.settle(true);
  }

  /** The header, once headerAt can tell it: the lines above it skipped (and said), the lines below it read. */
  private settle(final: boolean): void {
    const at = headerAt(this.pending, final);
    if (at === undefined) return;
    const rows = this.pending;
    this.pending = [];
    if (at > 0) this.skipped = skippedRows(this.file, rows.slice(0, at), rows[at]!.row, { prefix: '', unit: 'line' });
    this.takeHeader(rows[at]!.texts, rows[at]!.row);
    for (const row of rows.slice(at + 1)) this.record(row.texts, row.row, row.clean);
  }

  private takeHeader(cells: string[], line: number): void {
    const { file } = this;
    // Excel exports trailing unnamed columns (a;b;;;): they are not columns unless a row fills one.
    this.width = cells.length;
    let named = this.width;
    while (named > 0 && cells[named - 1]!.trim() === '') named--;
    const columns = cells.slice(0, named).map((c) => unneutralise(c.trim())); // a header guarded like any cell (dialect.ts)
    this.columns = columns;
    this.headerLine = line;
    const checked = checkHeader(file, line, columns);
    this.csvHeader = new CsvHeader(columns, checked.keep);
    const { delimiter, encoding } = this.dialect;
    this.header = { kind: 'header', file, format: 'csv', columns, delimiter, encoding, dialect: this.dialect, row: line };
    this.events.push(this.header);
    for (const problem of checked.problems) this.events.push({ kind: 'problem', problem });
  }

  private record(cells: string[], line: number, clean: boolean): void {
    const { file } = this;
    if (!this.csvHeader) return; // read after the header only
    if (blank(cells)) return; // a row of empty cells is a blank line (Excel writes ;;;;)
    this.records++;
    const record = new CsvRecord(file, line, cells, this.csvHeader);
    if (clean) record.clean = true;
    if (cells.length !== this.width) {
      record.cellCount = cells.length;
      this.events.push({ kind: 'problem', problem: raggedProblem(file, line, cells.length, this.width) });
    } else
      for (let i = this.csvHeader.columns.length; i < this.width; i++)
        if (cells[i]!.trim() !== '') this.events.push({ kind: 'problem', problem: unnamedValueProblem(file, line, i, cells[i]!, this.headerLine) });
    this.events.push({ kind: 'record', record, ...(this.skipped ? { warning: this.skipped } : {}) });
    this.skipped = undefined;
  }
}

function blank(cells: string[]): boolean {
  for (const cell of cells) if (cell.length !== 0 && cell.trim() !== '') return false;
  return true;
}

/** A CSV file's columns: which cell each kept (named, not repeated) column is. */
class CsvHeader {
  readonly index = new Map<string, number>();
  constructor(
    readonly columns: string[],
    readonly keep: boolean[],
  ) {
    for (let i = 0; i < columns.length; i++) if (keep[i]) this.index.set(columns[i]!, i);
  }
}

/**
 * A CSV record: its cells as read, and its values by column built only when asked for (the validator
 * reads cells by index; import and the reports ask for values). A ' before a formula character was added
 * by a CSV export (ours, or a spreadsheet's): it is dropped from the value.
 */
class CsvRecord implements RawRecord {
  cellCount?: number;
  clean?: boolean;
  private built: Record<string, RawValue> | undefined;
  constructor(
    readonly file: string,
    readonly line: number,
    readonly cells: string[],
    private readonly header: CsvHeader,
  ) {}

  get columnIndex(): ReadonlyMap<string, number> {
    return this.header.index;
  }

  get values(): Record<string, RawValue> {
    if (!this.built) {
      const values: Record<string, RawValue> = {};
      for (const [column, i] of this.header.index) values[column] = unneutralise(this.cells[i] ?? '');
      this.built = values;
    }
    return this.built;
  }
}

/** csv-parse, the reference parser, with the physical line of each record it reads. */
class ReferenceParser {
  private readonly parser: SyncParser;
  private readonly counter: LineCounter;
  // Each record and the byte offset where it ends (csv-parse sets info.bytes just before it pushes).
  private readonly parsed: string[][] = [];
  private readonly ends: number[] = [];
  private readonly push = (record: unknown) => {
    this.parsed.push(record as string[]);
    this.ends.push(this.parser.info.bytes);
  };

  /** `eol`: the record delimiter already found (when taking over from the scanner), else csv-parse finds it. */
  constructor(Parser: ParserClass, delimiter: string, eol: string | undefined, line: number) {
    this.counter = new LineCounter(line);
    this.parser = syncParser(Parser, {
      delimiter,
      ...(eol ? { record_delimiter: eol } : {}),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      bom: false,
      // A record (or one field) past this is an error with its line, never an out-of-memory abort.
      max_record_size: MAX_RECORD_BYTES,
    });
  }

  read(chunk: Buffer | undefined, end: boolean, row: (cells: string[], line: number) => void): Error | undefined {
    if (chunk) this.counter.feed(chunk);
    const error = this.parser.parse(chunk, end, this.push, noop);
    for (let k = 0; k < this.parsed.length; k++) row(this.parsed[k]!, this.counter.recordSpan(this.ends[k]!));
    this.parsed.length = 0;
    this.ends.length = 0;
    return error;
  }

  nextLine(): number {
    return this.counter.startOfNext();
  }
}

const noop = () => {};

interface SyncParser {
  parse(chunk: Buffer | undefined, end: boolean, push: (item: unknown) => void, close: () => void): Error | undefined;
  info: { bytes: number };
}

/**
 * csv-parse's own synchronous core, the one its stream class wraps (`parser.api`). Driving it
 * directly keeps every record parsed before an error (the stream drops its buffer when it fails)
 * and saves a stream hop per chunk. Its live `info.bytes` gives each record's end offset without
 * the per-record info object that `info: true` builds.
 */
function syncParser(Parser: ParserClass, options: Options): SyncParser {
  return (new Parser(options) as unknown as { api: SyncParser }).api;
}

function unnamedValueProblem(file: string, line: number, index: number, value: string, headerLine: number): ReadProblem {
  return {
    file,
    line,
    code: 'empty_header',
    value,
    message: `column ${index + 1} has a value but no name in the header (line ${headerLine})`,
    hint: 'name the column in the header, or clear the value',
    fatal: false,
  };
}

function raggedProblem(file: string, line: number, cells: number, columns: number): ReadProblem {
  return {
    file,
    line,
    code: 'ragged_row',
    message: `row has ${cells} ${cells === 1 ? 'cell' : 'cells'} but the header has ${columns} columns`,
    hint: 'a value containing the delimiter must be quoted, e.g. "Smith, Jr."',
    fatal: false,
  };
}

async function faultProblem(file: string, error: unknown, decoded: DecodedStream): Promise<ReadProblem> {
  if (error instanceof EncodingFault) return encodingProblem(file, await decoded.lineOf(error.byteOffset), error.encoding, error.looksLike);
  throw error;
}

/** A csv-parse error's code, such as CSV_QUOTE_NOT_CLOSED (csv-parse is loaded lazily: no instanceof CsvError). */
function csvErrorCode(error: Error): unknown {
  return (error as Error & { code?: unknown }).code;
}

function csvProblem(file: string, line: number, error: Error): ReadProblem {
  if (csvErrorCode(error) === 'CSV_QUOTE_NOT_CLOSED') {
    return {
      file,
      line,
      code: 'unterminated_quote',
      message: 'a quoted value that starts on this line is never closed',
      hint: 'every opening " needs a closing "; a " inside a quoted value is written as ""',
      fatal: true,
    };
  }
  if (csvErrorCode(error) === 'CSV_MAX_RECORD_SIZE')
    return { file, line, code: 'too_large', message: `the row starting on this line is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB`, hint: 'a quote that is never closed makes the rest of the file one value; or split the value', fatal: true };
  const reason = error.message.replace(/:.*$/, '').trim();
  return {
    file,
    line,
    code: 'malformed_csv',
    message: `the row starting on this line cannot be read as CSV (${reason.toLowerCase()})`,
    hint: 'a " inside a quoted value must be doubled ("")',
    fatal: true,
  };
}

/** Header names checked: an empty or repeated name is a problem, and that column is not read. `label` names the column at an index in messages. */
export function checkHeader(file: string, line: number, columns: string[], label = (i: number) => `column ${i + 1}`): { keep: boolean[]; problems: ReadProblem[] } {
  const problems: ReadProblem[] = [];
  const seen = new Map<string, number>();
  const keep = columns.map((name, i) => {
    if (name === '') {
      problems.push({
        file,
        line,
        code: 'empty_header',
        message: `${label(i)} has no name in the header`,
        hint: 'give every column a name, or delete the empty column',
        fatal: false,
      });
      return false;
    }
    const key = name.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({
        file,
        line,
        code: 'duplicate_header',
        value: name,
        message: `${label(i)} "${name}" has the same name as ${label(first)}`,
        hint: 'column names must be unique; rename or delete one of them',
        fatal: false,
      });
      return false;
    }
    seen.set(key, i);
    return true;
  });
  return { keep, problems };
}
