import { resolve } from 'node:path';
import type { ReadOptions } from './types.js';

/** The name standard input goes by in every message (the command line calls it "-"). */
export const STDIN_NAME = '<stdin>';

/** Where a file named on the command line is on disk: relative to `cwd` when one is given. */
export function onDisk(file: string, options: Pick<ReadOptions, 'cwd'>): string {
  return options.cwd ? resolve(options.cwd, file) : file;
}

/** What a reader opens: standard input for STDIN_NAME (when the caller gave it), else the file on disk. */
export function sourceOf(file: string, options: Pick<ReadOptions, 'cwd' | 'stdin'>): string | AsyncIterable<Buffer> {
  return file === STDIN_NAME && options.stdin ? options.stdin : onDisk(file, options);
}
