import { createWriteStream, type WriteStream } from 'node:fs';
import { pendingFile } from '../shared/atomic-write.js';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import type { Approver, FieldValue } from '../core/model/canonical.js';
import type { FileFormat } from './types.js';

/** First characters that make a spreadsheet run a cell as a formula (OWASP CSV injection). */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

/** A CSV cell a spreadsheet would run as a formula gets a leading ' (read back, hrsync removes it). */
export function neutralise(cell: string): string {
  return cell.length > 0 && FORMULA_START.has(cell[0]!) ? `'${cell}` : cell;
}

/** Undoes neutralise on reading: a ' before a formula character is dropped. */
export function unneutralise(cell: string): string {
  return cell.length > 1 && cell.charCodeAt(0) === 39 && FORMULA_START.has(cell[1]!) ? cell.slice(1) : cell;
}

/** A canonical value as one CSV cell: lists joined with ;, approvers as email:Label, booleans as true/false. */
export function cellText(value: FieldValue | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return value;
  return (value as Array<string | Approver>).map((v) => (typeof v === 'string' ? v : v.label ? `${v.email}:${v.label}` : v.email)).join(';');
}

export interface RecordWriter {
  write(rows: Array<Record<string, FieldValue | null>>): Promise<void>;
  /** Finishes the output: a file appears under its final name only now. */
  commit(): Promise<void>;
  /** Drops a partial file: nothing is left under the final name. */
  abort(): Promise<void>;
}

/**
 * Writes records as CSV, JSON (one array) or NDJSON, streaming. A file is written beside its final
 * name and renamed when complete, so a failed export never leaves a partial file; "-" is stdout.
 */
export function openWriter(path: string, format: FileFormat, columns: Array<{ field: string; header: string }>, stdout: NodeJS.WritableStream): RecordWriter {
  const toStdout = path === '-';
  const pending = toStdout ? undefined : pendingFile(path);
  const out: NodeJS.WritableStream | WriteStream = pending ? createWriteStream(pending.temp, { mode: 0o600 }) : stdout;
  let first = true;
  const put = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const csv = format === 'csv' ? stringify({ header: true, columns: columns.map((c) => c.header) }) : undefined;
  let csvDone: Promise<void> | undefined;
  if (csv) {
    csv.pipe(out, { end: false });
    csvDone = new Promise((resolve, reject) => {
      csv.on('end', resolve);
      csv.on('error', reject);
    });
  }

  return {
    async write(rows) {
      for (const row of rows) {
        if (csv) {
          if (!csv.write(columns.map((c) => neutralise(cellText(row[c.field]))))) await once(csv, 'drain');
        } else {
          const object = Object.fromEntries(columns.map((c) => [c.header, row[c.field] ?? null]));
          if (format === 'ndjson') await put(`${JSON.stringify(object)}\n`);
          else {
            await put(`${first ? '[\n' : ',\n'}  ${JSON.stringify(object)}`);
            first = false;
          }
        }
      }
    },
    async commit() {
      if (csv) {
        csv.end();
        await csvDone;
      } else if (format === 'json') await put(first ? '[]\n' : '\n]\n');
      if (!pending) return;
      const file = out as WriteStream;
      file.end();
      await once(file, 'close');
      await pending.commit();
    },
    async abort() {
      if (!pending) return;
      (out as WriteStream).destroy();
      await pending.abort();
    },
  };
}
