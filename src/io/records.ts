import { extname } from 'node:path';
import { open, stat } from 'node:fs/promises';
import { readCsv } from './csv.js';
import { readJson, readNdjson } from './json.js';
import { onDisk, STDIN_NAME } from './paths.js';
import { InputError } from '../errors.js';
import type { FileFormat, ReadEvent, ReadOptions } from './types.js';

/** The format a file is read as: --input-format wins, then the extension; anything else is CSV. */
export function formatOf(file: string, override?: FileFormat): FileFormat {
  if (override) return override;
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  return 'csv';
}

/**
 * The format of input that has no name to go by (standard input), from its first line: `[` is a JSON
 * document; `{` is NDJSON when that line is a whole object — unless it is the one-line form of a
 * document holding one array of records (`{"users": [{…}]}`) — and a JSON document when the object
 * goes on over more lines; anything else is CSV (a UTF-16 BOM too: Excel's "Unicode text").
 */
export function formatOfContent(head: Buffer): FileFormat {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return 'csv';
  const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('[')) return 'json';
  if (!text.startsWith('{')) return 'csv';
  const firstLine = text.slice(0, (text.indexOf('\n') + 1 || text.length + 1) - 1);
  let value: unknown;
  try {
    value = JSON.parse(firstLine);
  } catch {
    return 'json';
  }
  const entries = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.values(value) : [];
  const wrapper = entries.length === 1 && Array.isArray(entries[0]) && entries[0].every((e: unknown) => e !== null && typeof e === 'object' && !Array.isArray(e));
  return wrapper ? 'json' : 'ndjson';
}

/** How much of standard input is looked at to tell its format: its first line, up to this. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Reads the start of a stream (its first line, or up to 64 KB) to tell its format, and gives back a
 * stream that yields those bytes again, then the rest: nothing is read twice, nothing held beyond that.
 */
export async function sniffFormat(source: AsyncIterable<Buffer>): Promise<{ format: FileFormat; source: AsyncIterable<Buffer> }> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    size += next.value.length;
    if (next.value.includes(0x0a)) break;
  }
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      yield* head;
      head.length = 0;
      if (ended) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  }
  return { format: formatOfContent(Buffer.concat(head)), source: replay() };
}

/**
 * Reads one input file as a stream of event batches: its header (columns) first, then records and read
 * problems in file order. The one entry point for every format. `<stdin>` (with `options.stdin`) is
 * standard input, streamed like a file: its format is `options.format`, else told from its first line.
 */
export async function* readRecords(file: string, options: ReadOptions = {}): AsyncGenerator<ReadEvent[]> {
  if (file === STDIN_NAME && options.stdin) {
    const sniffed = options.format ? { format: options.format, source: options.stdin } : await sniffFormat(options.stdin);
    yield* readAs(file, sniffed.format, { ...options, stdin: sniffed.source });
    return;
  }
  const path = onDisk(file, options);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new InputError(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot be read (${reason(error)})`}`);
  }
  if (!info.isFile()) throw new InputError(`${file}: not a file`);
  try {
    await (await open(path, 'r')).close();
  } catch (error) {
    throw new InputError(`${file}: cannot be read (${reason(error)})`, 'check that you may read the file');
  }
  yield* readAs(file, formatOf(file, options.format), options);
}

async function* readAs(file: string, format: FileFormat, options: ReadOptions): AsyncGenerator<ReadEvent[]> {
  try {
    if (format === 'json') yield* readJson(file, options);
    else if (format === 'ndjson') yield* readNdjson(file, options);
    else yield* readCsv(file, options);
  } catch (error) {
    // The disk, not the data: a read that fails part-way is the file's problem, named, never a crash.
    if ((error as NodeJS.ErrnoException).code && !(error instanceof InputError)) throw new InputError(`${file}: reading it failed (${reason(error)})`);
    throw error;
  }
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const known: Record<string, string> = { EACCES: 'permission denied', EPERM: 'permission denied', EISDIR: 'it is a folder', EIO: 'an input/output error', ENOENT: 'no such file' };
  return (code && known[code]) ?? code ?? String(error);
}
