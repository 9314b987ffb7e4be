import { outputFailed } from '../errors.js';
import { pendingOutput, writeFileAtomic, type PendingFile } from '../shared/atomic-write.js';
import { cellText, type RecordWriter } from './cells.js';

export interface Sheet {
  /** The sheet's tab name (Excel allows 31 characters, and not : \ / ? * [ ]). */
  name: string;
  columns: string[];
  rows: string[][];
  /** Column indexes to show as needing attention (filled, bold header). */
  highlight?: number[];
}

/** An Excel tab name: the forbidden characters replaced, 31 characters at most, unique in the book. */
function tabName(name: string, taken: Set<string>): string {
  const base = name.replace(/[:\\/?*[\]]/g, '_').slice(0, 31) || 'Sheet';
  let out = base;
  for (let n = 2; taken.has(out.toLowerCase()); n++) out = `${base.slice(0, 31 - String(n).length - 1)}~${n}`;
  taken.add(out.toLowerCase());
  return out;
}

/**
 * Writes a workbook (.xlsx) with exceljs — loaded only here, so nothing else pays for it — atomically
 * and readable by the owner alone (it holds the input's personal data). Every cell is a string: a value
 * that looks like a formula stays text in Excel, never runs.
 */
export async function writeXlsx(path: string, sheets: Sheet[], signal?: AbortSignal): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  book.creator = 'hrsync';
  const taken = new Set<string>();
  for (const sheet of sheets) {
    const ws = book.addWorksheet(tabName(sheet.name, taken), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow(sheet.columns).font = { bold: true };
    for (const row of sheet.rows) ws.addRow(row); // strings: shared-string cells, never formulas
    for (const index of sheet.highlight ?? []) {
      const column = ws.getColumn(index + 1);
      column.width = 60;
      column.eachCell((cell, rowNumber) => {
        if (rowNumber > 1 && cell.text) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFE0E0' } };
      });
    }
  }
  await writeFileAtomic(path, new Uint8Array(await book.xlsx.writeBuffer()), { mode: 0o600, ...(signal ? { signal } : {}) });
}

/**
 * A streamed .xlsx export: exceljs's WorkbookWriter commits each row as it goes (memory stays flat),
 * into a file beside the final name (0600) that is renamed when complete. Values are cells as a person
 * sees them (lists joined by ;), all strings: nothing is a formula.
 */
export async function openXlsxWriter(path: string, columns: Array<{ field: string; header: string }>, sheetName: string): Promise<RecordWriter> {
  const { default: ExcelJS } = await import('exceljs');
  const failed = (error: unknown) => outputFailed('the file', path, error, 'the file is written beside its final name and renamed when complete: nothing was left under that name');
  let pending: PendingFile;
  let handle;
  try {
    pending = await pendingOutput(path);
    handle = await pending.open(0o600);
  } catch (error) {
    throw outputFailed('the file', path, error, 'its folder must exist and be writable');
  }
  const stream = handle.createWriteStream();
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useSharedStrings: false, useStyles: true });
  const sheet = book.addWorksheet(tabName(sheetName, new Set()), { views: [{ state: 'frozen', ySplit: 1 }] });
  const head = sheet.addRow(columns.map((c) => c.header));
  head.font = { bold: true };
  head.commit();
  return {
    async write(rows) {
      try {
        for (const row of rows) sheet.addRow(columns.map((c) => cellText(row[c.field]))).commit();
      } catch (error) {
        throw failed(error);
      }
    },
    async commit() {
      try {
        sheet.commit();
        await book.commit();
        await pending.commit();
      } catch (error) {
        await pending.abort();
        throw failed(error);
      }
    },
    async abort() {
      stream.destroy();
      await pending.abort();
    },
  };
}
