import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * A file that appears under its final name only when complete: written beside it under a temporary
 * name, then renamed (atomic on one file system). A crash or an abort leaves the old file, or none,
 * never half of one.
 */
export interface PendingFile {
  /** Where to write until commit. */
  readonly temp: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export function pendingFile(path: string): PendingFile {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.partial`);
  return {
    temp,
    commit: () => rename(temp, path),
    abort: () => rm(temp, { force: true }),
  };
}

export interface AtomicWriteOptions {
  /** File mode, e.g. 0o600 for anything holding personal data or state. */
  mode?: number;
  /** Create missing parent folders with this mode (default: 0o700). */
  dirMode?: number;
}

/** Writes a whole file atomically (temporary file, then rename). */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: options.dirMode ?? 0o700 });
  const file = pendingFile(path);
  try {
    await writeFile(file.temp, data, { mode: options.mode ?? 0o600 });
    await file.commit();
  } catch (error) {
    await file.abort();
    throw error;
  }
}
