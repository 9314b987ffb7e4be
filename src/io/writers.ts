import { once } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { outputFailed, UsageError } from '../errors.js';
import { pendingOutput, type PendingFile } from '../shared/atomic-write.js';
import type { FieldValue } from '../core/model/canonical.js';
import { cellText, type RecordWriter } from './cells.js';
import type { FileFormat } from './types.js';
import { csvText, STANDARD_DIALECT, type CsvDialect } from './dialect.js';

/** Where the text goes: a file written beside its final name, or standard output. */
interface Sink {
  put(text: string): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

/** Text is handed to the file system in blocks of this size. */
const BLOCK = 1 << 16;

/**
 * A file that appears under its final name only when complete. It is created (0600) before anything
 * is read, so a bad path, a missing or read-only folder fails at once; any write error (a full disk)
 * is an OutputError, and the partial file is removed.
 */
async function fileSink(path: string): Promise<Sink> {
  const failed = (error: unknown) => outputFailed('the file', path, error, 'the file is written beside its final name and renamed when complete: nothing was left under that name');
  let pending: PendingFile;
  let handle: FileHandle;
  try {
    pending = await pendingOutput(path);
    handle = await pending.open(0o600);
  } catch (error) {
    throw outputFailed('the file', path, error, 'its folder must exist and be writable');
  }
  let buffered: string[] = [];
  let size = 0;
  const flush = async () => {
    if (size === 0) return;
    let bytes = Buffer.from(buffered.join(''), 'utf8');
    buffered = [];
    size = 0;
    while (bytes.length) bytes = bytes.subarray((await handle.write(bytes)).bytesWritten);
  };
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    async put(text) {
      buffered.push(text);
      size += text.length;
      if (size >= BLOCK) await flush().catch((error: unknown) => Promise.reject(failed(error)));
    },
    async finish() {
      try {
        await flush();
        if (!pending.inPlace) await handle.sync(); // a full disk some file systems report only here, before the rename makes it final (a device or a FIFO has nothing to sync)
        await close();
        await pending.commit();
      } catch (error) {
        throw failed(error);
      }
    },
    async abort() {
      await close().catch(() => undefined);
      await pending.abort();
    },
  };
}

/**
 * Standard output: back-pressure honoured; its errors are the process's (bin/hrsync.js). `shown` makes
 * text safe for a terminal when standard output is one (a value's escape codes are shown, not run).
 */
function streamSink(out: NodeJS.WritableStream, shown: (text: string) => string = (t) => t): Sink {
  return {
    async put(text) {
      if (!out.write(shown(text))) await once(out, 'drain');
    },
    finish: async () => {},
    abort: async () => {},
  };
}

/**
 * Writes records as CSV (in `dialect`, a UTF-8 one: STANDARD_DIALECT unless given), JSON (one array) or
 * NDJSON. A file is written beside its final name and renamed when complete, so a failed or interrupted
 * export never leaves a partial file; "-" is stdout.
 */
export async function openWriter(path: string, format: FileFormat, columns: Array<{ field: string; header: string }>, stdout: NodeJS.WritableStream, shown?: (text: string) => string, dialect: CsvDialect = STANDARD_DIALECT): Promise<RecordWriter> {
  if (dialect.encoding !== 'utf-8') throw new Error(`openWriter writes UTF-8 CSV, not ${dialect.encoding}: encodeCsv writes the others`);
  if (format === 'xlsx') {
    if (path === '-') throw new UsageError('an .xlsx workbook is not written to standard output', 'give a file: -o users.xlsx');
    const { openXlsxWriter } = await import('./xlsx.js');
    return openXlsxWriter(path, columns, basename(path).replace(/\.[^.]+$/, ''));
  }
  const sink = path === '-' ? streamSink(stdout, shown) : await fileSink(path);
  let first = true;
  const header = () => (dialect.bom ? '\uFEFF' : '') + csvText([columns.map((c) => c.header)], dialect);
  return {
    async write(rows) {
      if (format === 'csv') {
        const text = csvText(rows.map((row) => columns.map((c) => cellText(row[c.field]))), dialect);
        if (first) await sink.put(header());
        first = false;
        if (text) await sink.put(text);
        return;
      }
      for (const row of rows) {
        const object = Object.fromEntries(columns.map((c) => [c.header, row[c.field] ?? null]));
        if (format === 'ndjson') await sink.put(`${JSON.stringify(object)}\n`);
        else {
          await sink.put(`${first ? '[\n' : ',\n'}  ${JSON.stringify(object)}`);
          first = false;
        }
      }
    },
    async commit() {
      if (format === 'csv' && first) await sink.put(header());
      else if (format === 'json') await sink.put(first ? '[]\n' : '\n]\n');
      await sink.finish();
    },
    abort: () => sink.abort(),
  };
}
