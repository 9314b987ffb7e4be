import { appendFileSync, createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What does not fit in memory, on disk for the length of one run: a private temporary folder (0700),
 * made on first use, of files (0600) each written once, whole, and read back line by line. The folder
 * goes with close() — or, should the run end without it, when the process exits. It holds what the
 * input held (personal data), never a credential.
 */
export class SpillFolder {
  private dir: string | undefined;
  private files = 0;
  private readonly cleanup = () => this.close();

  /** `parent`: where the folder is made (default: the system's temporary folder, TMPDIR). */
  constructor(private readonly parent: string = tmpdir()) {}

  /** Writes `text` (lines, each ending in a line feed) to a new file, and returns its path. */
  write(text: string): string {
    if (!this.dir) {
      this.dir = mkdtempSync(join(this.parent, 'hrsync-'));
      process.once('exit', this.cleanup);
    }
    const path = join(this.dir, `${++this.files}.ndjson`);
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
    return path;
  }

  /** Adds `text` (lines) to the end of a file written here. */
  append(path: string, text: string): void {
    appendFileSync(path, text);
  }

  /** Removes a file written here. */
  remove(path: string): void {
    rmSync(path, { force: true });
  }

  /** A file's lines, in batches as they are read (a bounded piece of the file at a time). */
  async *lines(path: string): AsyncGenerator<string[]> {
    let carry = '';
    for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 }) as AsyncIterable<string>) {
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

  /** Removes the folder and everything in it. */
  close(): void {
    process.removeListener('exit', this.cleanup);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
