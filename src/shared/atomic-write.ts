import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, realpath, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { whoIs } from './who-is.js';

/**
 * A file that appears under its final name only when complete: written beside it under a temporary
 * name, then renamed (atomic on one file system). A crash or an abort leaves the old file, or none,
 * never half of one. An output that is a device, a FIFO or a socket — `/dev/null`, `/dev/stdout`, a
 * shell's `>(…)` — is written in place instead (`inPlace`): it is never replaced by a file.
 */
export interface PendingFile {
  /** Where to write until commit. */
  readonly temp: string;
  readonly inPlace: boolean;
  /**
   * Opens where to write: `temp` created new, or the output itself in place — checked to be the very
   * file that was judged (a FIFO swapped for a link in between is refused), never truncated.
   */
  open(mode: number): Promise<FileHandle>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export function pendingFile(path: string): PendingFile {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.partial`);
  return {
    temp,
    inPlace: false,
    open: (mode) => open(temp, 'wx', mode),
    commit: () => rename(temp, path),
    abort: () => rm(temp, { force: true }),
  };
}

/** An output path hrsync will not write: a folder, or a symbolic link to a file (say why, and what to do). */
export class UnwritableOutput extends Error {
  readonly code = 'EHRSYNC_OUTPUT';
  constructor(
    readonly path: string,
    readonly why: string,
    readonly hint: string,
  ) {
    super(`${path} ${why}`);
  }
}

/** Standard output or error, or a descriptor of this process's, by name (`/dev/stdout`, `/dev/fd/3`, `/proc/self/fd/1`). */
const OWN_DESCRIPTOR = /^\/(dev\/(stdout|stderr|fd\/\d+)|proc\/(self|thread-self)\/fd\/\d+)$/;

/**
 * The output itself, written in place: opened without following a link when it is not one, appended
 * to (never truncated: a device or a FIFO has nothing to cut, and a descriptor's file is the shell's
 * `>` or `>>`), and refused when what was opened is not the file judged (dev and inode): another user
 * who swaps a FIFO for a link between the check and the open writes nothing through it.
 */
function inPlace(path: string, link: boolean, judged: Stats): PendingFile {
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_NOCTTY | (link ? 0 : constants.O_NOFOLLOW);
  return {
    temp: path,
    inPlace: true,
    async open() {
      const waited = judged.isFIFO() ? await readerOf(path, flags) : undefined;
      const handle = await open(path, flags)
        .catch((error: NodeJS.ErrnoException) =>
          Promise.reject(error.code === 'ELOOP' ? new UnwritableOutput(path, 'was replaced by a symbolic link while hrsync opened it', 'name an output in a folder only you can write in') : error),
        )
        .finally(() => waited?.close());
      const now = await handle.stat();
      if (now.dev === judged.dev && now.ino === judged.ino) return handle;
      await handle.close();
      throw new UnwritableOutput(path, 'was replaced by another file while hrsync opened it', 'name an output in a folder only you can write in');
    },
    commit: async () => {},
    abort: async () => {},
  };
}

/** The longest hrsync waits for a process to read a FIFO it was asked to write. */
export const FIFO_READER_WAIT_MS = 30_000;

/**
 * Waits, in bounded steps, until a process has the FIFO open for reading: opening it to write would
 * otherwise block in the file system's thread for ever, where neither Ctrl-C nor any bound reaches
 * it. A non-blocking open fails with ENXIO while there is no reader; past the bound, the output is
 * refused, saying so.
 */
export async function readerOf(path: string, flags: number, waitMs = FIFO_READER_WAIT_MS): Promise<FileHandle | undefined> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      // Kept open until the real open is made: closing it first would give the reader its end of file.
      return await open(path, flags | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') return undefined; // not ours to judge here: the real open says it
    }
    if (Date.now() >= until) throw new UnwritableOutput(path, `is a FIFO that no process read within ${waitMs / 1000} s`, 'start the program that reads it first, or write to a file');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * How an output path is written. Absent, or a regular file: replaced whole (pendingFile). A device, a
 * FIFO or a socket, or a link of this user's or root's to one — or standard output by name
 * (`/dev/stdout`), whatever it is — is written in place (see inPlace): never replaced, its mode never
 * changed. A folder, a link to a regular file, a folder or nothing, or a link another user made: refused
 * (UnwritableOutput), since replacing the link would break it and writing through it would write where
 * the link's maker chose.
 */
export async function pendingOutput(path: string): Promise<PendingFile> {
  const own = await lstat(path).catch(() => undefined);
  if (!own) return pendingFile(path);
  const link = own.isSymbolicLink();
  const target = link ? await stat(path).catch(() => undefined) : own;
  const mine = !link || own.uid === 0 || own.uid === process.getuid?.();
  if (target && mine && (OWN_DESCRIPTOR.test(path) || (!target.isFile() && !target.isDirectory()))) return inPlace(path, link, target);
  if (link) {
    const to = await realpath(path).catch(() => undefined);
    const maker = mine ? '' : `, made by ${whoIs(own.uid)}`;
    throw new UnwritableOutput(path, `is a symbolic link${to ? ` (to ${to})` : ' to nothing'}${maker}: hrsync neither replaces a link nor writes through one`, to ? `name the file itself: ${to}` : 'name a file, not a link');
  }
  if (own.isDirectory()) throw new UnwritableOutput(path, 'is a folder', 'give a file name inside it, e.g. people.csv');
  return pendingFile(path);
}

export interface AtomicWriteOptions {
  /** File mode, e.g. 0o600 for anything holding personal data or state. */
  mode?: number;
  /** Create missing parent folders with this mode (default: 0o700). */
  dirMode?: number;
  /** Once aborted, the file is not committed: the temporary one is removed and the write throws (the old file stays). */
  signal?: AbortSignal;
}

/**
 * Writes a whole file atomically (temporary file, then rename), or in place where it is a device or a
 * FIFO. `data`: text, bytes, or pieces of text, each made only when the one before it is written.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array | Iterable<string>, options: AtomicWriteOptions = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: options.dirMode ?? 0o700 });
  const file = await pendingOutput(path);
  try {
    options.signal?.throwIfAborted();
    const handle = await file.open(options.mode ?? 0o600);
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
      else for (const piece of data) await writeAll(handle, Buffer.from(piece));
    } finally {
      await handle.close();
    }
    options.signal?.throwIfAborted();
    await file.commit();
  } catch (error) {
    await file.abort();
    throw error;
  }
}

/** All of `bytes`, however many writes it takes. */
async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  while (bytes.length) bytes = bytes.subarray((await handle.write(bytes)).bytesWritten);
}
