import { closeSync, createReadStream, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outputFailed } from '../errors.js';

/** A file written here: open for as long as it is needed, its name already gone where the system allows. */
export interface SpillFile {
  fd: number;
  /** Bytes written. */
  size: number;
  /** Where it still is on disk (a system that cannot remove an open file's name: Windows), to remove on close. */
  path: string | undefined;
}

/**
 * What does not fit in memory, on disk for the length of one run. Each file is made in a fresh
 * private folder (0700), 0600, and its name is removed at once while it stays open — so nothing is left
 * on disk whatever ends the process, Ctrl-C and SIGKILL included; the data goes when the file is closed
 * (close(), or the process's end). Where an open file's name cannot be removed (Windows), the files and
 * their folders go on close() or when the process exits. They hold what the input held (personal data),
 * never a credential.
 */
export class SpillFolder {
  private readonly files = new Set<SpillFile>();
  private readonly left = new Set<string>(); // folders still on disk
  private readonly cleanup = () => this.close();
  private listening = false;

  /** `parent`: where the files are made (default: the system's temporary folder, TMPDIR). */
  constructor(private readonly parent: string = tmpdir()) {}

  /** Writes `text` (lines, each ending in a line feed) to a new file. */
  write(text: string): SpillFile {
    const file = this.create();
    this.append(file, text);
    return file;
  }

  /** A new, empty file. */
  create(): SpillFile {
    let dir: string | undefined;
    let path: string;
    let fd: number;
    try {
      dir = mkdtempSync(join(this.parent, 'hrsync-'));
      path = join(dir, 'spill.ndjson');
      fd = openSync(path, 'wx+', 0o600);
    } catch (error) {
      if (dir) rmSync(dir, { recursive: true, force: true });
      throw this.failed(error);
    }
    const file: SpillFile = { fd, size: 0, path };
    this.files.add(file);
    try {
      unlinkSync(path);
      rmSync(dir, { recursive: true, force: true });
      file.path = undefined;
    } catch {
      // Kept until close() or the process's end.
      this.left.add(dir);
      if (!this.listening) process.once('exit', this.cleanup);
      this.listening = true;
    }
    return file;
  }

  /** Adds `text` (lines, or bytes) to the end of a file written here. */
  append(file: SpillFile, text: string | Uint8Array): void {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(file.fd, bytes, done, bytes.length - done, file.size + done);
    } catch (error) {
      throw this.failed(error);
    }
    file.size += bytes.length;
  }

  /** A temporary file that cannot be made or written (a full disk, no such folder): hrsync's own output failing, exit 74. */
  private failed(error: unknown): Error {
    const code = (error as NodeJS.ErrnoException).code;
    const fix = code === 'ENOSPC' || code === 'EDQUOT' ? 'free some room there, or set TMPDIR to a folder with room' : 'set TMPDIR to a folder that exists and that hrsync can write to';
    return outputFailed('a temporary file in', this.parent, error, `what does not fit in memory (many issues, large key indexes, a large import's rows) goes to TMPDIR while hrsync runs: ${fix}`);
  }

  /** Reads into `buffer` (from its start) what the file holds from `position`, up to the buffer's length: how many bytes. */
  read(file: SpillFile, buffer: Uint8Array, position: number, length = buffer.length): number {
    let done = 0;
    while (done < length) {
      const n = readSync(file.fd, buffer, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  /** A file's lines, in batches as they are read (a bounded piece of the file at a time). */
  async *lines(file: SpillFile): AsyncGenerator<string[]> {
    if (file.size === 0) return;
    let carry = '';
    const stream = createReadStream('', { fd: file.fd, start: 0, end: file.size - 1, autoClose: false, encoding: 'utf8', highWaterMark: 64 * 1024 });
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = carry ? carry + chunk : chunk;
      const end = text.lastIndexOf('\n');
      if (end === -1) {
        carry = text;
        continue;
      }
      carry = text.slice(end + 1);
      yield text.slice(0, end).split('\n');
    }
    if (carry) yield [carry];
  }

  /** Closes (and so removes) one file. */
  remove(file: SpillFile): void {
    if (!this.files.delete(file)) return;
    closeSync(file.fd);
    if (file.path) rmSync(file.path, { force: true });
  }

  /** Closes and removes every file, and what is left of their folders. */
  close(): void {
    for (const file of [...this.files]) this.remove(file);
    for (const dir of this.left) rmSync(dir, { recursive: true, force: true });
    this.left.clear();
    if (this.listening) process.removeListener('exit', this.cleanup);
    this.listening = false;
  }
}
