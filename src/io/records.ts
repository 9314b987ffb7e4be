import { extname } from 'node:path';
import { open, stat } from 'node:fs/promises';
import { readCsv } from './csv.js';
import { onDisk, STDIN_NAME } from './paths.js';
import { InputError } from '../errors.js';
import type { FileFormat, ReadEvent, ReadOptions } from './types.js';

/** The format a file is read as: --input-format wins, then the extension; anything else is CSV. */
export function formatOf(file: string, override?: FileFormat): FileFormat {
  if (override) return override;
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  if (ext === '.xlsx' || ext === '.xlsm') return 'xlsx';
  return 'csv';
}

/** What a file's first bytes say it is, when that is not text: a workbook, another archive, a document, an image. */
async function contentKind(path: string): Promise<'xlsx' | { looksLike: string; hint: string } | undefined> {
  const handle = await open(path, 'r');
  const head = Buffer.alloc(4096);
  let n: number;
  try {
    ({ bytesRead: n } = await handle.read(head, 0, head.length, 0));
  } finally {
    await handle.close();
  }
  const bytes = head.subarray(0, n);
  const starts = (...b: number[]) => b.every((x, i) => bytes[i] === x);
  if (starts(0x50, 0x4b, 0x03, 0x04)) {
    const text = bytes.toString('latin1');
    if (text.includes('[Content_Types].xml') || text.includes('xl/')) return 'xlsx';
    return { looksLike: 'a ZIP archive', hint: 'unpack it and pass the CSV, JSON or .xlsx file inside' };
  }
  if (starts(0xd0, 0xcf, 0x11, 0xe0)) return { looksLike: 'an Excel 97–2003 workbook (.xls) or another old Office file', hint: 'open it in Excel and save it as .xlsx or CSV UTF-8' };
  if (starts(0x25, 0x50, 0x44, 0x46)) return { looksLike: 'a PDF document', hint: 'export the data from the HR system as CSV or .xlsx' };
  if (starts(0x89, 0x50, 0x4e, 0x47)) return { looksLike: 'a PNG image', hint: 'pass the data file, not a picture of it' };
  if (starts(0xff, 0xd8, 0xff)) return { looksLike: 'a JPEG image', hint: 'pass the data file, not a picture of it' };
  if (starts(0x47, 0x49, 0x46, 0x38)) return { looksLike: 'a GIF image', hint: 'pass the data file, not a picture of it' };
  return undefined;
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
  // Its first bytes say what it is; reading them is also the check that the file can be read at all.
  let kind: Awaited<ReturnType<typeof contentKind>>;
  try {
    kind = await contentKind(path);
  } catch (error) {
    throw new InputError(`${file}: cannot be read (${reason(error)})`, 'check that you may read the file');
  }
  let format = formatOf(file, options.format);
  if (kind === 'xlsx') format = 'xlsx';
  else if (kind && format === 'xlsx' && kind.looksLike.startsWith('an Excel 97'))
    // Excel keeps a workbook with a password to open in an OLE container too, not in a zip.
    throw new InputError(`${file}: this looks like a password-protected workbook (or an old .xls renamed), which hrsync cannot read`, 'remove the password in Excel (File › Info › Protect Workbook › Encrypt with Password) and save it as .xlsx, or export the sheet as CSV');
  else if (kind) throw new InputError(`${file}: this looks like ${kind.looksLike}, not CSV, JSON or an .xlsx workbook`, kind.hint);
  else if (format === 'xlsx') throw new InputError(`${file}: named like a workbook, but it is not an .xlsx file (no ZIP container)`, 'open it in Excel and save it as .xlsx, or pass it as CSV');
  yield* readAs(file, format, options);
}

async function* readAs(file: string, format: FileFormat, options: ReadOptions): AsyncGenerator<ReadEvent[]> {
  try {
    // Each reader loads with the first file of its format.
    if (format === 'xlsx') yield* (await import('./xlsx-reader.js')).readXlsx(file, options);
    else if (format === 'json') yield* (await import('./json.js')).readJson(file, options);
    else if (format === 'ndjson') yield* (await import('./json.js')).readNdjson(file, options);
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
