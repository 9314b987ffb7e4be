import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { draftMapping, renderDraft, type DraftInput, type MappingDraft } from '../core/mapping/draft.js';
import { inferEntity } from '../core/mapping/infer-entity.js';
import type { RawValue } from '../core/model/canonical.js';
import { ENTITY_LIST, type Entity } from '../core/model/entities.js';
import { InputError, outputFailed, UsageError } from '../errors.js';
import { readRecords } from '../io/records.js';
import type { FileFormat, ReadOptions } from '../io/types.js';
import { writeFileAtomic } from '../shared/atomic-write.js';

/** Rows read to settle what the header cannot (a manager's e-mails, the order of day and month). */
export const SAMPLE_ROWS = 500;

export interface HeaderSample {
  columns: string[];
  rows: Array<Record<string, RawValue>>;
  /** The encoding it was read in, and whether hrsync chose it because the file is not UTF-8. */
  encoding: string;
  encodingGuessed: boolean;
  delimiter?: string;
  format?: FileFormat;
  /** A workbook's rows above its header skipped (a title): the reader's words for it. */
  skipped?: string;
}

/** The header and first rows of a file; a file that is not UTF-8 (and no --encoding) is read again as Windows-1252. */
export async function readHeaderSample(file: string, read: ReadOptions): Promise<HeaderSample> {
  const first = await sample(file, read);
  if (first.problem?.code !== 'encoding' || read.encoding || read.stdin) {
    if (first.problem && first.columns.length === 0) throw new InputError(`${file}: ${first.problem.message}`, first.problem.hint);
    return { ...first, encodingGuessed: false };
  }
  // UTF-8 characters beside bytes that are not UTF-8: two encodings in one file. Windows-1252 would garble
  // the UTF-8 ones (Jürgen as JÃ¼rgen) in every import that reads the file with this mapping.
  const utf8 = await firstUtf8Character(resolve(read.cwd ?? '.', file));
  if (utf8)
    throw new InputError(
      `${file}: it mixes two encodings: it holds UTF-8 characters (${JSON.stringify(utf8)}) and bytes that are not (line ${first.problem.line}), so no one encoding reads it all`,
      'save it again in one encoding (in Excel: CSV UTF-8), or pass --encoding if you know it',
    );
  const again = await sample(file, { ...read, encoding: 'windows-1252' });
  if (again.problem && again.columns.length === 0) throw new InputError(`${file}: ${again.problem.message}`, again.problem.hint);
  return { ...again, encodingGuessed: true };
}

/** The first UTF-8 character of more than one byte in the file's first megabyte (in Windows-1252 text such byte pairs are all but unheard of). */
async function firstUtf8Character(path: string): Promise<string | undefined> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(1 << 20), 0, 1 << 20, 0);
    const found = /[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}/.exec(buffer.subarray(0, bytesRead).toString('latin1'));
    return found ? Buffer.from(found[0], 'latin1').toString('utf8') : undefined;
  } finally {
    await handle.close();
  }
}

async function sample(file: string, read: ReadOptions) {
  const out: Omit<HeaderSample, 'encodingGuessed'> & { problem?: { code: string; message: string; line: number; hint?: string } } = { columns: [], rows: [], encoding: read.encoding ?? 'utf-8' };
  const events = readRecords(file, read);
  try {
    for await (const batch of events) {
      for (const event of batch) {
        if (event.kind === 'header') {
          out.columns = event.columns;
          out.encoding = event.encoding;
          out.format = event.format;
          if (event.delimiter) out.delimiter = event.delimiter;
        } else if (event.kind === 'record') {
          out.rows.push(event.record.values);
          if (event.warning?.code === 'skipped_rows') out.skipped = event.warning.message;
        }
        else if (event.problem.fatal || event.problem.code === 'encoding') {
          out.problem = { code: event.problem.code, message: event.problem.message, line: event.problem.line, ...(event.problem.hint ? { hint: event.problem.hint } : {}) };
          return out;
        }
      }
      if (out.rows.length >= SAMPLE_ROWS) break;
    }
  } finally {
    await events.return(undefined);
  }
  return out;
}

export interface MapInitOptions {
  entity?: Entity;
  read: ReadOptions;
}

export interface MapInitResult {
  draft: MappingDraft;
  sample: HeaderSample;
  /** Why this entity: "given", or the columns or file name that decided. */
  entityReason: string;
}

/** `map init`: which entity the file holds, and a draft mapping for its columns. */
export async function initMapping(file: string, options: MapInitOptions): Promise<MapInitResult> {
  const sample = await readHeaderSample(file, options.read);
  if (sample.columns.length === 0) throw new InputError(`${file}: no header: the file is empty`, 'a mapping is written from the column names on line 1');
  let entity = options.entity;
  let entityReason = 'given';
  if (!entity) {
    const guess = inferEntity(file, sample.columns);
    // No column known at all: a people file in words hrsync does not know yet is the likeliest.
    if (!guess.entity && !guess.tied?.length) ({ entity, entityReason } = { entity: 'users', entityReason: 'no column named a field: users assumed (pass --entity otherwise)' });
    else if (!guess.entity) throw new UsageError(`cannot tell what ${file} holds: ${guess.reason}`, `pass --entity ${ENTITY_LIST}`);
    else ({ entity, entityReason } = { entity: guess.entity, entityReason: guess.reason });
  }
  return { draft: { ...draftMapping(entity, sample.columns, sample.rows), input: inputOf(sample, options.read) }, sample, entityReason };
}

/**
 * How the file was read where another file would not be read so by default — not UTF-8, not commas, not
 * the first sheet — for the mapping file's `input` section, so the files it is for are read the same way.
 */
function inputOf(sample: HeaderSample, read: ReadOptions): DraftInput[] {
  const input: DraftInput[] = [];
  if (sample.encoding !== 'utf-8' && sample.format !== 'xlsx') // a workbook has no encoding to say
    input.push({ key: 'encoding', value: sample.encoding, note: sample.encodingGuessed ? 'the file is not UTF-8: read as Windows-1252 (check the accents and umlauts)' : read.encoding ? 'as given' : 'from its byte-order mark' });
  if (sample.delimiter && sample.delimiter !== ',') input.push({ key: 'delimiter', value: sample.delimiter, note: read.delimiter ? 'as given' : 'the one its header line uses' });
  if (read.sheet !== undefined) input.push({ key: 'sheet', value: read.sheet, note: 'as given' });
  return input;
}

/** The mapping file's text: YAML with comments (`heading` first), or JSON for a .json name. */
export function mappingText(result: MapInitResult, output: string, heading: readonly string[]): string {
  return renderDraft(result.draft, /\.json$/i.test(output) ? 'json' : 'yaml', heading);
}

/**
 * Writes the mapping file: never over an existing file (or link) unless `force`; created whole
 * (exclusive create, or with `force` a temporary file renamed over the old one).
 */
export async function writeMappingFile(path: string, text: string, cwd: string, force: boolean): Promise<void> {
  const target = resolve(cwd, path);
  if (!force) {
    const exists = await lstat(target).then(() => true, () => false);
    if (exists) throw new UsageError(`${path} exists: hrsync map init does not overwrite it`, 'pass --force to replace it, or -o another file');
    try {
      const handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      try {
        await handle.writeFile(text);
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${path} exists: hrsync map init does not overwrite it`, 'pass --force to replace it, or -o another file');
      throw outputFailed('the mapping file', path, error);
    }
    return;
  }
  await writeFileAtomic(target, text, { mode: 0o644 }).catch((error: unknown) => Promise.reject(outputFailed('the mapping file', path, error)));
}
