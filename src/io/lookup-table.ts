import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { UsageError } from '../errors.js';
import { sniffDelimiter } from './delimiter.js';
import type { SheetRow } from './xlsx-sheet.js';

/**
 * A two-column table — source value, then target value, a header on line 1 — from a CSV (any of the
 * usual delimiters, UTF-8 with or without a BOM) or the first visible sheet of an .xlsx. Each pair comes with
 * its line (or row) for messages. Anything else is a usage error naming the file.
 */
export async function readLookupTable(path: string, shownAs: string): Promise<Array<{ from: string; to: string; line: number }>> {
  let rows: unknown[][];
  if (extname(path).toLowerCase() === '.xlsx') {
    rows = await workbookRows(path, shownAs);
  } else {
    let text: string;
    try {
      text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
    } catch {
      throw new UsageError(`value table ${shownAs} cannot be read`);
    }
    const delimiter = sniffDelimiter(text.slice(0, 64 * 1024), text.length <= 64 * 1024);
    try {
      rows = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false }) as unknown[][];
    } catch (error) {
      throw new UsageError(`value table ${shownAs} is not valid CSV: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const pairs: Array<{ from: string; to: string; line: number }> = [];
  for (const [i, row] of rows.entries()) {
    if (i === 0 || !row) continue; // the header
    const [from = '', to = ''] = row.map((cell) => String(cell ?? '').trim());
    if (from === '' && to === '') continue;
    if (row.filter((cell) => String(cell ?? '').trim() !== '').length > 2) throw new UsageError(`${shownAs}:${i + 1}: a value table has two columns (source value, target value), this row has more`);
    pairs.push({ from, to, line: i + 1 });
  }
  return pairs;
}

/**
 * The rows of a workbook's first visible sheet, by row number, read as input workbooks are (bounded;
 * see xlsx-reader.ts): each row as its cells in columns A and B, then any other cell that has a value.
 */
async function workbookRows(path: string, shownAs: string): Promise<unknown[][]> {
  const { streamSheet } = await import('./xlsx-reader.js');
  const { WorkbookFault } = await import('./zip.js');
  const rows: unknown[][] = [];
  const onRow = (row: SheetRow): void => {
    if (row.fault) throw new UsageError(`${shownAs}:${row.row}: ${row.fault.message}`);
    const at = (column: number) => row.cells.find((c) => c.column === column)?.value ?? '';
    rows[row.row - 1] = [at(1), at(2), ...row.cells.filter((c) => c.column > 2).map((c) => c.value)];
  };
  try {
    for await (const _ of streamSheet(path, undefined, () => onRow));
  } catch (error) {
    if (error instanceof WorkbookFault || (error as NodeJS.ErrnoException).code) throw new UsageError(`value table ${shownAs} cannot be read as a workbook: ${(error as Error).message}`);
    throw error;
  }
  return rows;
}
