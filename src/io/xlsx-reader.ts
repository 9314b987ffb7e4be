import type { RawValue } from '../core/model/canonical.js';
import type { RawRecord, ReadEvent, ReadOptions, ReadProblem } from './types.js';
import { onDisk } from './paths.js';
import { checkHeader } from './csv.js';

/** Rows per batch handed on: small enough to stream, large enough that the async hops do not count. */
const BATCH = 500;

/** A date cell as the date a person sees: yyyy-mm-dd (Excel stores no zone; exceljs reads it as UTC). */
const dateOf = (d: Date): string => d.toISOString().slice(0, 10);

/** One cell as the value a person sees: text, a number as written, a date as yyyy-mm-dd, a formula's result. */
function cellValue(value: unknown): RawValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return dateOf(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object') {
    const v = value as { richText?: Array<{ text: string }>; text?: unknown; result?: unknown; error?: string; formula?: string };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('result' in v || 'formula' in v) return cellValue(v.result);
    if (v.error) return v.error;
    if (v.text !== undefined) return cellValue(v.text);
  }
  return String(value);
}

/**
 * Streams the first sheet of an .xlsx workbook (or `options.sheet`) like a CSV: row 1 is the header,
 * each later row a record whose line is its row number as the spreadsheet shows it; empty rows are
 * skipped; date cells become yyyy-mm-dd, formulas their result. exceljs's streaming reader keeps
 * memory bounded (shared strings are cached, rows are not).
 */
export async function* readXlsx(file: string, options: ReadOptions = {}): AsyncGenerator<ReadEvent[]> {
  const { default: ExcelJS } = await import('exceljs');
  const path = onDisk(file, options);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
  const header = (columns: string[]): ReadEvent => ({ kind: 'header', file, format: 'xlsx', columns, encoding: 'xlsx' });
  const problem = (p: Omit<ReadProblem, 'file'>): ReadEvent => ({ kind: 'problem', problem: { file, ...p } });
  const names: string[] = [];
  try {
    for await (const sheet of reader as unknown as AsyncIterable<AsyncIterable<{ number: number; values: unknown[] }> & { name: string }>) {
      names.push(sheet.name);
      if (options.sheet !== undefined ? sheet.name.toLowerCase() !== options.sheet.toLowerCase() : names.length > 1) continue;
      let columns: string[] | undefined;
      let keep: boolean[] = [];
      let batch: ReadEvent[] = [];
      for await (const row of sheet) {
        const cells = row.values.slice(1).map(cellValue); // exceljs counts columns from 1
        if (!columns) {
          let named = cells.length;
          while (named > 0 && String(cells[named - 1] ?? '').trim() === '') named--;
          columns = cells.slice(0, named).map((c) => String(c ?? '').trim());
          const checked = checkHeader(file, row.number, columns);
          keep = checked.keep;
          batch.push(header(columns), ...checked.problems.map((p) => ({ kind: 'problem' as const, problem: p })));
          continue;
        }
        if (cells.every((c) => c === null || String(c).trim() === '')) continue;
        const values: RawRecord['values'] = {};
        for (let i = 0; i < columns.length; i++) if (keep[i]) values[columns[i]!] = cells[i] ?? null;
        batch.push({ kind: 'record', record: { file, line: row.number, values } });
        for (let i = columns.length; i < cells.length; i++)
          if (cells[i] !== null && String(cells[i]).trim() !== '')
            batch.push(problem({ line: row.number, code: 'ragged_row', message: `column ${i + 1} has a value but no name in the header row`, value: String(cells[i]), hint: 'name the column in row 1, or clear the cell', fatal: false }));
        if (batch.length >= BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (!columns) batch.push(header([]));
      if (batch.length) yield batch;
      return;
    }
  } catch (error) {
    yield [header([]), problem({ line: 1, code: 'malformed_csv', message: `the workbook cannot be read (${error instanceof Error ? error.message : String(error)})`, hint: 'open it in Excel and save it again as .xlsx, or export the sheet as CSV', fatal: true })];
    return;
  }
  yield [
    header([]),
    problem({
      line: 1,
      code: 'no_records',
      message: options.sheet !== undefined ? `the workbook has no sheet named "${options.sheet}" (its sheets: ${names.join(', ') || 'none'})` : 'the workbook has no sheet',
      hint: options.sheet !== undefined ? `pass --sheet with one of: ${names.join(', ')}` : 'save a sheet with a header row in it',
      fatal: true,
    }),
  ];
}
