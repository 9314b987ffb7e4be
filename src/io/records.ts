import { onDisk } from './paths.js';
import { extname } from 'node:path';
import { stat } from 'node:fs/promises';
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
  let info;
  try {
    info = await stat(onDisk(file, options));
  } catch {
    throw new InputError(`${file}: no such file`);
  }
  if (!info.isFile()) throw new InputError(`${file}: not a file`);
  const format = formatOf(file, options.format);
  if (format === 'json') yield* readJson(file, options);
  else if (format === 'ndjson') yield* readNdjson(file, options);
  else yield* readCsv(file, options);
}
