import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { UsageError } from '../errors.js';

/** Raised when bytes are not valid in the file's encoding; `byteOffset` is from the start of the file. */
export class EncodingFault extends Error {
  constructor(
    readonly byteOffset: number,
    readonly encoding: string,
    /** The encoding the bytes look like, when they say (UTF-16 without a BOM: every other byte zero). */
    readonly looksLike?: string,
  ) {
    super(`bytes at offset ${byteOffset} are not valid ${encoding}`);
  }
}

/**
 * UTF-16 without a byte-order mark, from the first bytes: text that is mostly ASCII has a zero in
 * every other byte (after each character in little-endian, before it in big-endian), which UTF-8 text
 * never has. Undefined when the bytes do not say so.
 */
export function utf16Without(head: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const pairs = Math.min(head.length, 4096) >> 1;
  if (pairs < 2) return undefined;
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (head[i] === 0) zeroEven++;
    if (head[i + 1] === 0) zeroOdd++;
  }
  if (zeroOdd >= pairs * 0.3 && zeroEven <= pairs * 0.02) return 'utf-16le';
  if (zeroEven >= pairs * 0.3 && zeroOdd <= pairs * 0.02) return 'utf-16be';
  return undefined;
}

export interface DecodedStream {
  /** The encoding actually used, as a canonical WHATWG name (e.g. "utf-8", "utf-16le", "windows-1252"). */
  encoding: string;
  /** The file starts with the byte-order mark of that encoding. */
  bom: boolean;
  /** UTF-8 chunks, BOM removed, every byte valid UTF-8, never splitting a character. */
  chunks: AsyncGenerator<Buffer>;
  /** The physical line (1-based) of a byte offset already read: to report an EncodingFault. */
  lineOf(byteOffset: number): Promise<number>;
}

/** Checks an --encoding label early, so a typo is a usage error before any file is read. */
export function resolveEncoding(label: string): string {
  const normalised = label.trim().toLowerCase();
  try {
    return new TextDecoder(normalised).encoding;
  } catch {
    throw new UsageError(
      `unknown encoding "${label}"`,
      'use a name such as utf-8, utf-16le, utf-16be, windows-1252 or latin1',
    );
  }
}

const BOMS: Array<{ bytes: number[]; encoding: string }> = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
];

function startsWith(buf: Buffer, bytes: number[]): boolean {
  return bytes.every((b, i) => buf[i] === b);
}

/**
 * Opens a file (a path, or a stream such as standard input) and yields it as valid UTF-8. UTF-8
 * (default) is checked, never silently repaired: the first invalid byte raises EncodingFault. A BOM
 * selects UTF-8 or UTF-16; any other encoding must be named (e.g. windows-1252) and is transcoded to
 * UTF-8. A file is read again to find the line of a fault; a stream, which cannot be, counts its
 * lines as it goes.
 */
export async function openDecoded(source: string | AsyncIterable<Buffer>, encodingLabel?: string, onRead?: (bytes: number) => void): Promise<DecodedStream> {
  const path = typeof source === 'string' ? source : undefined;
  const stream = path === undefined ? undefined : createReadStream(path, { highWaterMark: 256 * 1024 });
  const tally = path === undefined ? new LineTally() : undefined;
  const raw = (stream ?? (source as AsyncIterable<Buffer>))[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const iterator: AsyncIterator<Buffer> = tally
    ? {
        next: async () => {
          const next = await raw.next();
          if (!next.done) tally.add(next.value);
          return next;
        },
      }
    : raw;
  // Read the first chunk now so the BOM can decide the encoding before anything is yielded.
  const first = await iterator.next();
  let head: Buffer = first.done ? Buffer.alloc(0) : first.value;
  onRead?.(head.length);
  const bom = BOMS.find((b) => startsWith(head, b.bytes));
  let encoding = encodingLabel ? resolveEncoding(encodingLabel) : (bom?.encoding ?? 'utf-8');
  if (bom && encodingLabel && bom.encoding !== encoding && encoding !== 'utf-8') {
    // A BOM is stronger evidence than a guessed label, except that a UTF-8 BOM under utf-8 is fine.
    encoding = bom.encoding;
  }
  if (bom && bom.encoding === encoding) head = head.subarray(bom.bytes.length);
  const bomLength = bom && bom.encoding === encoding ? bom.bytes.length : 0;

  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      onRead?.(next.value.length);
      yield next.value;
    }
  }
  const guess = !encodingLabel && !bom ? utf16Without(head) : undefined;
  const chunks = guess ? refuse(new EncodingFault(0, 'utf-8', guess)) : encoding === 'utf-8' ? checkUtf8(rest(), bomLength) : transcode(rest(), encoding, bomLength);
  return {
    encoding,
    bom: bomLength > 0,
    chunks: closeOnExit(chunks, () => (stream ? stream.destroy() : void raw.return?.())),
    lineOf: async (byteOffset) => (tally ? tally.lineAt(byteOffset) : lineOfByteOffset(path!, byteOffset)),
  };
}

/** Chunks that are a fault before the first: a file that is plainly in another encoding than the one it would be read in. */
// eslint-disable-next-line require-yield -- it refuses before yielding anything
async function* refuse(fault: EncodingFault): AsyncGenerator<Buffer> {
  throw fault;
}

async function* closeOnExit(gen: AsyncGenerator<Buffer>, close: () => void): AsyncGenerator<Buffer> {
  try {
    yield* gen;
  } finally {
    close();
  }
}

/** Length in bytes of an incomplete UTF-8 sequence at the end of `buf` (0 when it ends on a boundary). */
function incompleteTail(buf: Buffer): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const byte = buf[buf.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

async function* checkUtf8(source: AsyncGenerator<Buffer>, startOffset: number): AsyncGenerator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  let offset = startOffset; // byte offset in the file of carry[0]
  for await (const chunk of source) {
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const tail = incompleteTail(buf);
    const whole = tail ? buf.subarray(0, buf.length - tail) : buf;
    if (!isUtf8(whole)) throw new EncodingFault(offset + firstInvalidUtf8(whole), 'utf-8');
    if (whole.length) yield whole;
    offset += whole.length;
    carry = tail ? Buffer.from(buf.subarray(buf.length - tail)) : Buffer.alloc(0);
  }
  if (carry.length) throw new EncodingFault(offset, 'utf-8');
}

/** Offset of the first byte that breaks UTF-8 (only called once a chunk is known to be invalid). */
export function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need > buf.length - 1) return i; // truncated sequence
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return buf.length;
}

async function* transcode(source: AsyncGenerator<Buffer>, encoding: string, startOffset: number): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: false });
  let offset = startOffset;
  try {
    for await (const chunk of source) {
      const text = decoder.decode(chunk, { stream: true });
      if (text) yield Buffer.from(text, 'utf8');
      offset += chunk.length;
    }
    const last = decoder.decode();
    if (last) yield Buffer.from(last, 'utf8');
  } catch (error) {
    if (error instanceof TypeError) throw new EncodingFault(offset, encoding);
    throw error;
  }
}

/** Where a count of physical lines stands: CRLF, LF and a lone CR each end one line. */
interface LinePosition {
  line: number;
  lastWasCR: boolean;
}

/** Moves a position over the first `end` bytes of a chunk. */
function countLines(chunk: Buffer, end: number, at: LinePosition): LinePosition {
  let { line, lastWasCR } = at;
  for (let i = 0; i < end; i++) {
    const b = chunk[i];
    if (b === 0x0a) {
      if (!lastWasCR) line++;
      lastWasCR = false;
    } else if (b === 0x0d) {
      line++;
      lastWasCR = true;
    } else lastWasCR = false;
  }
  return { line, lastWasCR };
}

/** Counts the physical line (1-based) of a byte offset by re-reading the file: only used to report a fault. */
export async function lineOfByteOffset(path: string, byteOffset: number): Promise<number> {
  let at: LinePosition = { line: 1, lastWasCR: false };
  let seen = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    at = countLines(chunk, Math.min(chunk.length, byteOffset - seen), at);
    seen += chunk.length;
    if (seen >= byteOffset) break;
  }
  return at.line;
}

/**
 * The line count of a stream that cannot be read again (standard input), kept as its chunks are read:
 * the count at the start of the last two chunks and their bytes — a fault is found in the chunk just
 * read, or in the few bytes of a character carried over from the one before.
 */
class LineTally {
  private at: LinePosition = { line: 1, lastWasCR: false };
  private offset = 0;
  private recent: Array<{ start: number; at: LinePosition; bytes: Buffer }> = [];

  add(chunk: Buffer): void {
    this.recent.push({ start: this.offset, at: this.at, bytes: chunk });
    if (this.recent.length > 2) this.recent.shift();
    this.at = countLines(chunk, chunk.length, this.at);
    this.offset += chunk.length;
  }

  lineAt(byteOffset: number): number {
    const from = [...this.recent].reverse().find((c) => c.start <= byteOffset);
    if (!from) return this.at.line;
    return countLines(from.bytes, Math.min(from.bytes.length, byteOffset - from.start), from.at).line;
  }
}
