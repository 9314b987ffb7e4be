import { SpillFolder, type SpillFile } from './spill.js';

/** What is written to disk at once, and read back at once when reading goes on in order. */
const BLOCK = 1 << 20;
/** What is read at once for a value far from the last read (reading in no order). */
const NEAR = 2048;
/** Values read back that stay parsed: a plan works on a row at a time. */
const PARSED = 64;

/** Where a value is in the file: its first byte, and its length in bytes. */
export interface SpilledAt {
  readonly at: number;
  readonly bytes: number;
}

/**
 * Values (JSON-safe data) on disk for the length of a run, each read back when asked for: a plan of a
 * million people holds where each is (a few bytes), not a million objects (issue 22 goal 4). The file
 * is private (see SpillFolder: 0600 in a fresh 0700 folder, its name removed at once) and goes with
 * close() or the process. Reading in the order written reads a block at a time; the last values read
 * stay parsed, each given back as the very same object while it stays so. A value read back must not
 * be changed: what is on disk is what the next reading gives.
 */
export class SpilledValues<T> {
  private folder: SpillFolder | undefined;
  private file: SpillFile | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private end = 0;
  private block = Buffer.alloc(0);
  private blockAt = -1;
  private blockBytes = 0;
  private readonly parsed = new Map<number, T>();
  private closed = false;

  /** `tmp`: where the file is made (default TMPDIR); `revive`: what a value read back is made into, once per reading. */
  constructor(
    private readonly tmp?: string,
    private readonly revive: (parsed: T) => T = (parsed) => parsed,
  ) {}

  /** Writes `value` (at the end; to disk when a block's worth waits): where it is. */
  push(value: T): SpilledAt {
    const bytes = Buffer.from(JSON.stringify(value), 'utf8');
    const at = this.end;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.end += bytes.length;
    if (this.pendingBytes >= BLOCK) this.flush();
    return { at, bytes: bytes.length };
  }

  /** The value written at `at`, `bytes` long (as push said), read back (and parsed) unless it was lately. */
  read(at: number, bytes: number): T {
    const known = this.parsed.get(at);
    if (known !== undefined) return known;
    if (this.closed) throw new Error('a value kept on disk was read after its temporary file was removed');
    this.flush();
    if (at < this.blockAt || at + bytes > this.blockAt + this.blockBytes) this.load(at, bytes);
    const start = at - this.blockAt;
    const value = this.revive(JSON.parse(this.block.toString('utf8', start, start + bytes)) as T);
    if (this.parsed.size >= PARSED) this.parsed.delete(this.parsed.keys().next().value!);
    this.parsed.set(at, value);
    return value;
  }

  /** Removes the file: what it held can no longer be read. */
  close(): void {
    this.closed = true;
    this.parsed.clear();
    this.pending = [];
    this.block = Buffer.alloc(0);
    this.folder?.close();
  }

  /** Reads the block a value at `at` (`bytes` long) starts: a whole one when reading goes on in order, else a smaller one. */
  private load(at: number, bytes: number): void {
    const inOrder = at >= this.blockAt && at < this.blockAt + 2 * this.block.length;
    const size = Math.max(inOrder ? BLOCK : NEAR, bytes);
    if (this.block.length < size) this.block = Buffer.allocUnsafe(Math.max(BLOCK, size));
    this.blockAt = at;
    this.blockBytes = this.folder!.read(this.file!, this.block, at, Math.min(size, this.file!.size - at));
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    this.folder ??= new SpillFolder(this.tmp);
    this.file ??= this.folder.create();
    this.folder.append(this.file, Buffer.concat(this.pending, this.pendingBytes));
    this.pending = [];
    this.pendingBytes = 0;
  }
}
