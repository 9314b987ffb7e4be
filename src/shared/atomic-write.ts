import { lstat, mkdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * A file that appears under its final name only when complete: written beside it under a temporary
 * name, then renamed (atomic on one file system). A crash or an abort leaves the old file, or none,
 * never half of one. An output that is a device, a FIFO or a socket — `/dev/null`, `/dev/stdout`, a
 * shell's `>(…)` — is written in place instead (`inPlace`): it is never replaced by a file.
 */
export interface PendingFile {
  /** Where to write until commit. */
  readonly temp: string;
  /** How to open `temp`: created new beside the final name, or the output itself, in place. */
  readonly flags: 'wx' | 'w';
  readonly inPlace: boolean;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export function pendingFile(path: string): PendingFile {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.partial`);
  return {
    temp,
    flags: 'wx',
    inPlace: false,
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

/**
 * How an output path is written. Absent, or a regular file: replaced whole (pendingFile). A device, a
 * FIFO or a socket, or a link to one: written in place — never replaced, its mode never changed. A
 * folder, or a link to a regular file, a folder or nothing: refused (UnwritableOutput), since
 * replacing the link would break it and writing through it would write where the link's maker chose.
 */
export async function pendingOutput(path: string): Promise<PendingFile> {
  const own = await lstat(path).catch(() => undefined);
  if (!own) return pendingFile(path);
  const target = own.isSymbolicLink() ? await stat(path).catch(() => undefined) : own;
  if (target && !target.isFile() && !target.isDirectory()) return { temp: path, flags: 'w', inPlace: true, commit: async () => {}, abort: async () => {} };
  if (own.isSymbolicLink()) {
    const to = await realpath(path).catch(() => undefined);
    throw new UnwritableOutput(path, `is a symbolic link${to ? ` (to ${to})` : ' to nothing'}: hrsync neither replaces a link nor writes through one`, to ? `name the file itself: ${to}` : 'name a file, not a link');
  }
  if (own.isDirectory()) throw new UnwritableOutput(path, 'is a folder', 'give a file name inside it, e.g. people.csv');
  return pendingFile(path);
}

export interface AtomicWriteOptions {
  /** File mode, e.g. 0o600 for anything holding personal data or state. */
  mode?: number;
  /** Create missing parent folders with this mode (default: 0o700). */
  dirMode?: number;
}

/** Writes a whole file atomically (temporary file, then rename), or in place where it is a device or a FIFO. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: options.dirMode ?? 0o700 });
  const file = await pendingOutput(path);
  try {
    await writeFile(file.temp, data, { mode: options.mode ?? 0o600, flag: file.flags });
    await file.commit();
  } catch (error) {
    await file.abort();
    throw error;
  }
}
