import { resolve } from 'node:path';
import type { ReadOptions } from './types.js';

/** Where a file named on the command line is on disk: relative to `cwd` when one is given. */
export function onDisk(file: string, options: Pick<ReadOptions, 'cwd'>): string {
  return options.cwd ? resolve(options.cwd, file) : file;
}
