import { resolve } from 'node:path';
import { outputFailed } from '../errors.js';
import { writeFileAtomic } from '../shared/atomic-write.js';
import { printable } from './printable.js';
import { colourFor, type Io } from './terminal.js';

/**
 * --report: the HTML page, written whole or not at all, 0600 (it holds personal data); a failure is
 * exit 74, as for any other output. Said on stderr, so standard output stays the report asked for.
 */
export async function writeReport(file: string, page: string, io: Io, signal?: AbortSignal): Promise<void> {
  await writeFileAtomic(resolve(io.cwd, file), page, { mode: 0o600, ...(signal ? { signal } : {}) }).catch((error: unknown) => Promise.reject(outputFailed('the report', file, error)));
  io.stderr.write(`${colourFor(io.stderr, io.env).dim(`report: ${printable(file, true)}`)}\n`);
}
