import { sourceOf } from './paths.js';
import { Parser, CsvError, type Options } from 'csv-parse';
import { EncodingFault, openDecoded, type DecodedStream } from './decode.js';
import { sniffDelimiter } from './delimiter.js';
import { LineCounter } from './line-counter.js';
import type { RawRecord, ReadEvent, ReadOptions, ReadProblem } from './types.js';
import { encodingProblem } from './problems.js';
import { unneutralise } from './writers.js';

const SNIFF_BYTES = 64 * 1024;
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
  const head: Buffer[] = [];
  let headSize = 0;
  let ended = false;
  try {
    while (headSize < SNIFF_BYTES) {
      const next = await decoded.chunks.next();
      if (next.done) {
        ended = true;
        break;
      }
      head.push(next.value);
      headSize += next.value.length;
    }
  } catch (error) {
    yield [
      { kind: 'header', file, format: 'csv', columns: [], encoding: decoded.encoding },
      { kind: 'problem', problem: await faultProblem(file, error, decoded) },
    ];
    return;
  }
  const delimiter = options.delimiter ?? sniffDelimiter(Buffer.concat(head).toString('utf8'), ended);
  const counter = new LineCounter();
  const parser = syncParser({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    bom: false,
    // A record (or one field) past this is an error with its line, never an out-of-memory abort.
    max_record_size: MAX_RECORD_BYTES,
  });

  let columns: string[] | undefined;
  let keep: boolean[] = [];
  let width = 0; // cells in the header row, unnamed trailing ones included
  let headerLine = 1;
  // Each record and the byte offset where it ends (csv-parse sets info.bytes just before it pushes).
  const parsed: string[][] = [];
  const ends: number[] = [];
  const push = (record: unknown) => {
    parsed.push(record as string[]);
    ends.push(parser.info.bytes);
  };

  function* drain(): Generator<ReadEvent> {
    for (let k = 0; k < parsed.length; k++) {
      const line = counter.recordSpan(ends[k]!);
      const cells = parsed[k]!;
      if (!columns) {
        // Excel exports trailing unnamed columns (a;b;;;): they are not columns unless a row fills one.
        width = cells.length;
        let named = width;
        while (named > 0 && cells[named - 1]!.trim() === '') named--;
        columns = cells.slice(0, named).map((c) => c.trim());
        headerLine = line;
        const header = checkHeader(file, line, columns);
        keep = header.keep;
        yield { kind: 'header', file, format: 'csv', columns, delimiter, encoding: decoded.encoding };
        for (const problem of header.problems) yield { kind: 'problem', problem };
        continue;
      }
      if (cells.every((c) => c.trim() === '')) continue; // a row of empty cells is a blank line (Excel writes ;;;;)
      const values: RawRecord['values'] = {};
      // A ' before a formula character was added by a CSV export (ours, or a spreadsheet's): drop it.
      for (let i = 0; i < columns.length; i++) if (keep[i]) values[columns[i]!] = unneutralise(cells[i] ?? '');
      const record: RawRecord = { file, line, values };
      if (cells.length !== width) {
        record.cellCount = cells.length;
        yield { kind: 'problem', problem: raggedProblem(file, line, cells.length, width) };
      } else
        for (let i = columns.length; i < width; i++)
          if (cells[i]!.trim() !== '') yield { kind: 'problem', problem: unnamedValueProblem(file, line, i, cells[i]!, headerLine) };
      yield { kind: 'record', record };
    }
    parsed.length = 0;
    ends.length = 0;
  }

  async function* chunks(): AsyncGenerator<Buffer> {
    yield* head;
    if (!ended) yield* decoded.chunks;
  }

  const header = (): ReadEvent => ({ kind: 'header', file, format: 'csv', columns: [], delimiter, encoding: decoded.encoding });
  let failure: ReadProblem | undefined;
  try {
    for await (const chunk of chunks()) {
      counter.feed(chunk);
      const error = parser.parse(chunk, false, push, noop);
      const batch = [...drain()];
      if (batch.length) yield batch;
      if (error) {
        failure = csvProblem(file, counter.startOfNext(), error);
        break;
      }
    }
    if (!failure) {
      const error = parser.parse(undefined, true, push, noop);
      const batch = [...drain()];
      if (batch.length) yield batch;
      if (error) failure = csvProblem(file, counter.startOfNext(), error);
    }
  } catch (error) {
    failure = await faultProblem(file, error, decoded);
  }
  const tail: ReadEvent[] = [];
  if (!columns) tail.push(header());
  if (failure) tail.push({ kind: 'problem', problem: failure });
  if (tail.length) yield tail;
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
function syncParser(options: Options): SyncParser {
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
  if (error instanceof EncodingFault) return encodingProblem(file, await decoded.lineOf(error.byteOffset), error.encoding);
  throw error;
}

function csvProblem(file: string, line: number, error: Error): ReadProblem {
  if (error instanceof CsvError && error.code === 'CSV_QUOTE_NOT_CLOSED') {
    return {
      file,
      line,
      code: 'unterminated_quote',
      message: 'a quoted value that starts on this line is never closed',
      hint: 'every opening " needs a closing "; a " inside a quoted value is written as ""',
      fatal: true,
    };
  }
  if (error instanceof CsvError && error.code === 'CSV_MAX_RECORD_SIZE')
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

/** Header names checked: an empty or repeated name is a problem, and that column is not read. */
export function checkHeader(file: string, line: number, columns: string[]): { keep: boolean[]; problems: ReadProblem[] } {
  const problems: ReadProblem[] = [];
  const seen = new Map<string, number>();
  const keep = columns.map((name, i) => {
    if (name === '') {
      problems.push({
        file,
        line,
        code: 'empty_header',
        message: `column ${i + 1} has no name in the header`,
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
        message: `column ${i + 1} "${name}" has the same name as column ${first + 1}`,
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
