import { onDisk } from './paths.js';
import { extname } from 'node:path';
import { open, stat } from 'node:fs/promises';
import { readCsv } from './csv.js';
import { readJson, readNdjson } from './json.js';
import { InputError } from '../errors.js';
import type { FileFormat, ReadEvent, ReadOptions } from './types.js';

/** The format a file is read as: --format wins, then the extension; anything else is CSV. */
export function formatOf(file: string, override?: FileFormat): FileFormat {
  if (override) return override;
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  return 'csv';
}

/**
 * Reads one input file as a stream of event batches: its header (columns) first, then records and read
 * problems in file order. The one entry point for every format.
 */
export async function* readRecords(file: string, options: ReadOptions = {}): AsyncGenerator<ReadEvent[]> {
  const path = onDisk(file, options);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new InputError(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot be read (${reason(error)})`}`);
  }
  if (!info.isFile()) throw new InputError(`${file}: not a file`);
  try {
    await (await open(path, 'r')).close();
  } catch (error) {
    throw new InputError(`${file}: cannot be read (${reason(error)})`, 'check that you may read the file');
  }
  const format = formatOf(file, options.format);
  try {
    if (format === 'json') yield* readJson(file, options);
    else if (format === 'ndjson') yield* readNdjson(file, options);
    else yield* readCsv(file, options);
  } catch (error) {
    // The disk, not the data: a read that fails part-way is the file's problem, named, never a crash.
    if ((error as NodeJS.ErrnoException).code && !(error instanceof InputError)) throw new InputError(`${file}: reading it failed (${reason(error)})`);
    throw error;
  }
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const known: Record<string, string> = { EACCES: 'permission denied', EPERM: 'permission denied', EISDIR: 'it is a folder', EIO: 'an input/output error', ENOENT: 'no such file' };
  return (code && known[code]) ?? code ?? String(error);
}
