import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createInflateRaw, crc32 } from 'node:zlib';

/**
 * A workbook that cannot be read (`malformed_csv`: not a zip hrsync reads, a broken part) or that is
 * too big to read (`too_large`: a part that inflates past its bound). The message names the problem
 * and the hint says what to do; the reader turns it into a fatal problem on the file.
 */
export class WorkbookFault extends Error {
  constructor(
    message: string,
    readonly code: 'malformed_csv' | 'too_large' | 'excel_error',
    readonly hint: string = 'open it in Excel and save it again as .xlsx, or export the sheet as CSV',
  ) {
    super(message);
  }
}

/** One entry of the zip's central directory. Its name only ever finds a part: it is never a path on disk. */
export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  /** Compressed and uncompressed sizes, as the directory says. */
  size: number;
  rawSize: number;
  offset: number;
}

const END = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ZIP64_LOCATOR = 0x07064b50;
/** The end record (22 bytes) and the longest comment it may carry. */
const END_SEARCH = 22 + 0xffff;
/** The central directory is read whole: a workbook's has a few dozen entries. */
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;
const CHUNK = 64 * 1024;
/**
 * A deflate bomb: past RATIO_GRACE inflated, a part may not inflate to more than MAX_RATIO times its
 * compressed size (Excel's XML compresses 5–30 times; deflate's best is about 1,000 times).
 */
const RATIO_GRACE = 16 * 1024 * 1024;
const MAX_RATIO = 100;

const ZIP64 = new WorkbookFault('the workbook is a ZIP64 archive (over 4 GB, or written by a tool that always uses ZIP64), which hrsync does not read', 'malformed_csv', 'export the sheet as CSV, or save the workbook again in Excel');

/** A zip file read with random access: the central directory says where each part is, so parts are read in any order. */
export class Zip {
  private constructor(
    private readonly handle: FileHandle,
    private readonly fileSize: number,
    private readonly entries: Map<string, ZipEntry>,
  ) {}

  static async open(path: string): Promise<Zip> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      return new Zip(handle, size, await readDirectory(handle, size));
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The entry of a part, by its name in the package (compared ignoring case and a leading `/`, as OPC does). */
  entry(name: string): ZipEntry | undefined {
    return this.entries.get(partKey(name));
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /**
   * A part's bytes as they inflate, a chunk at a time. Fails (WorkbookFault) when the part inflates past
   * `limit` bytes, past what the directory says, or like a deflate bomb; or when its CRC is wrong.
   */
  async *read(entry: ZipEntry, limit: number): AsyncGenerator<Buffer> {
    if (entry.flags & 1) throw new WorkbookFault('the workbook is encrypted', 'malformed_csv', 'remove its password in Excel (File › Info › Protect Workbook) and save it again');
    if (entry.method !== 0 && entry.method !== 8) throw new WorkbookFault(`part ${entry.name} is compressed with method ${entry.method}, which hrsync does not read`, 'malformed_csv');
    const start = await this.dataStart(entry);
    const compressed = Readable.from(this.bytes(start, entry.size), { objectMode: false });
    const source = entry.method === 8 ? inflate(compressed) : compressed;
    let total = 0;
    let crc = 0;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > limit) throw new WorkbookFault(`part ${entry.name} inflates to more than ${mb(limit)}`, 'too_large', 'export the sheet as CSV');
        if (total > entry.rawSize) throw new WorkbookFault(`part ${entry.name} inflates to more than the ${entry.rawSize} bytes the zip says it holds`, 'malformed_csv');
        if (total > RATIO_GRACE && total > MAX_RATIO * entry.size) throw new WorkbookFault(`part ${entry.name} inflates to more than ${MAX_RATIO} times its size in the file (a zip bomb?)`, 'too_large', 'if the workbook is genuine, export the sheet as CSV');
        crc = crc32(chunk, crc);
        yield chunk;
      }
    } catch (error) {
      if (error instanceof WorkbookFault || (error as NodeJS.ErrnoException).syscall) throw error;
      throw new WorkbookFault(`part ${entry.name} cannot be inflated (${(error as Error).message})`, 'malformed_csv');
    } finally {
      compressed.destroy();
      source.destroy();
    }
    if (total !== entry.rawSize || crc >>> 0 !== entry.crc) throw new WorkbookFault(`part ${entry.name} is damaged (its size or CRC is not the one the zip records)`, 'malformed_csv');
  }

  /** A whole (small) part as text. */
  async text(entry: ZipEntry, limit: number): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.read(entry, limit)) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
  }

  private async dataStart(entry: ZipEntry): Promise<number> {
    const head = await this.at(entry.offset, 30);
    if (head.readUInt32LE(0) !== LOCAL) throw new WorkbookFault(`part ${entry.name} is not where the zip's directory says`, 'malformed_csv');
    const start = entry.offset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
    if (start + entry.size > this.fileSize) throw new WorkbookFault(`part ${entry.name} runs past the end of the file (a cut-short download?)`, 'malformed_csv', 'fetch or save the workbook again');
    return start;
  }

  private async *bytes(start: number, size: number): AsyncGenerator<Buffer> {
    for (let at = 0; at < size; ) {
      const chunk = await this.at(start + at, Math.min(CHUNK, size - at));
      at += chunk.length;
      yield chunk;
    }
  }

  private async at(position: number, length: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await this.handle.read(buffer, 0, length, position);
    if (bytesRead < length) throw new WorkbookFault('the workbook ends early (a cut-short download?)', 'malformed_csv', 'fetch or save the workbook again');
    return buffer;
  }
}

/** A stream inflated as it is read; a failure reading the source fails the inflated stream too. */
function inflate(compressed: Readable): Readable {
  const inflater = createInflateRaw({ chunkSize: CHUNK });
  compressed.on('error', (error) => inflater.destroy(error));
  return compressed.pipe(inflater);
}

const partKey = (name: string): string => name.replace(/^\/+/, '').toLowerCase();
const mb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;

/** The end record: where the central directory is, and how many entries it holds. */
async function readEnd(handle: FileHandle, size: number): Promise<{ count: number; dirSize: number; dirOffset: number; at: number }> {
  const length = Math.min(size, END_SEARCH);
  const tail = Buffer.allocUnsafe(length);
  await handle.read(tail, 0, length, size - length);
  let at = -1;
  for (let i = length - 22; i >= 0 && at < 0; i--) if (tail.readUInt32LE(i) === END && i + 22 + tail.readUInt16LE(i + 20) <= length) at = i;
  if (at < 0) throw new WorkbookFault('the workbook is not a readable .xlsx file (its ZIP directory is missing: cut short, or not a zip)', 'malformed_csv', 'open it in Excel and save it again as .xlsx, or fetch it again');
  const count = tail.readUInt16LE(at + 10);
  const end = { count, dirSize: tail.readUInt32LE(at + 12), dirOffset: tail.readUInt32LE(at + 16), at: size - length + at };
  if (count === 0xffff || end.dirSize === 0xffffffff || end.dirOffset === 0xffffffff || (at >= 20 && tail.readUInt32LE(at - 20) === ZIP64_LOCATOR)) throw ZIP64;
  if (tail.readUInt16LE(at + 4) !== 0 || tail.readUInt16LE(at + 6) !== 0) throw new WorkbookFault('the workbook is split over several files (a multi-part zip)', 'malformed_csv');
  return end;
}

async function readDirectory(handle: FileHandle, size: number): Promise<Map<string, ZipEntry>> {
  const end = await readEnd(handle, size);
  if (end.dirSize > MAX_DIRECTORY_BYTES) throw new WorkbookFault(`the workbook's ZIP directory is larger than ${mb(MAX_DIRECTORY_BYTES)}`, 'too_large');
  if (end.dirOffset + end.dirSize > end.at) throw new WorkbookFault("the workbook's ZIP directory is damaged", 'malformed_csv');
  const dir = Buffer.allocUnsafe(end.dirSize);
  await handle.read(dir, 0, end.dirSize, end.dirOffset);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < end.count; i++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw new WorkbookFault("the workbook's ZIP directory is damaged", 'malformed_csv');
    const nameLength = dir.readUInt16LE(p + 28);
    const flags = dir.readUInt16LE(p + 8);
    const name = dir.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, Math.min(dir.length, p + 46 + nameLength));
    const entry: ZipEntry = { name, flags, method: dir.readUInt16LE(p + 10), crc: dir.readUInt32LE(p + 16), size: dir.readUInt32LE(p + 20), rawSize: dir.readUInt32LE(p + 24), offset: dir.readUInt32LE(p + 42) };
    if (entry.size === 0xffffffff || entry.rawSize === 0xffffffff || entry.offset === 0xffffffff) throw ZIP64;
    if (entries.has(partKey(name))) throw new WorkbookFault(`the workbook holds two parts named ${name}`, 'malformed_csv');
    entries.set(partKey(name), entry);
    p += 46 + nameLength + dir.readUInt16LE(p + 30) + dir.readUInt16LE(p + 32);
  }
  return entries;
}
