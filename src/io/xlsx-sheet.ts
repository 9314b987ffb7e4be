import type { RawValue } from '../core/model/canonical.js';
import { MAX_RECORD_BYTES } from './csv.js';
import { cellRef, columnName, MAX_COLUMN, MAX_ROW, serialDate, unescapeExcel } from './xlsx-cells.js';
import type { XmlHandler } from './xml-stream.js';
import { WorkbookFault } from './zip.js';

/** A cell that holds no value hrsync can pass on: an Excel error (#DIV/0!), or what cannot be read as text, a number, a date or true/false. */
export interface CellFault {
  column: number;
  code: 'excel_error' | 'too_large';
  message: string;
  value?: string;
}

/** One row as read: its number as the spreadsheet shows it, its cells in column order (only those present), its first fault and how many. */
export interface SheetRow {
  row: number;
  cells: Array<{ column: number; value: RawValue }>;
  fault: CellFault | undefined;
  faults: number;
}

/** What a sheet's cells are read with: the shared strings, which styles are dates, the date system. */
export interface CellContext {
  strings: readonly string[];
  dateStyles: readonly boolean[];
  date1904: boolean;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads a worksheet's XML (`<sheetData>`) into rows, handing each to `onRow` as it closes. Cells with no
 * `r` follow the one before, rows with no `r` the row before; only the cells present are kept, so one
 * cell at column XFD costs one cell. A cell's value: shared (`t="s"`) or inline (`t="inlineStr"`, its
 * runs joined) text, a formula's cached result (`t="str"`, or a number), `t="b"`, `t="d"` (ISO), a
 * number — as yyyy-mm-dd when its style shows a date. An error (`t="e"`), a formula with no cached
 * result, or anything unreadable is the row's fault, never a value; so is a row over 16 MB of text.
 */
export class SheetCells implements XmlHandler {
  private row: SheetRow | undefined;
  private lastRow = 0;
  private rowText = 0;
  private column = 0;
  private type = '';
  private style = 0;
  private formula = false;
  private value: string | undefined;
  private inline: string | undefined;
  private into: 'v' | 't' | undefined;
  private phonetic = 0;

  constructor(
    private readonly sheet: string,
    private readonly context: CellContext,
    private readonly onRow: (row: SheetRow) => void,
  ) {}

  open(name: string, a: Record<string, string>): void {
    if (name === 'c' && this.row) return this.openCell(a);
    if (name === 'v' || name === 'f') {
      if (name === 'f') this.formula = true;
      this.into = name === 'v' ? 'v' : undefined;
      if (name === 'v') this.value = '';
    } else if (name === 't' && this.inline !== undefined) this.into = this.phonetic === 0 ? 't' : undefined;
    else if (name === 'is') this.inline = '';
    else if (name === 'rPh') this.phonetic++;
    else if (name === 'row') this.openRow(a.r);
  }

  close(name: string): void {
    if (name === 'v' || name === 't') this.into = undefined;
    else if (name === 'rPh') this.phonetic--;
    else if (name === 'c' && this.row) this.closeCell(this.row);
    else if (name === 'row' && this.row) {
      this.onRow(this.row);
      this.row = undefined;
    }
  }

  text(text: string): void {
    if (this.into === 'v') this.value += text;
    else if (this.into === 't') this.inline += text;
  }

  private fatal(message: string): WorkbookFault {
    return new WorkbookFault(`sheet "${this.sheet}": ${message}`, 'malformed_csv');
  }

  private openRow(r: string | undefined): void {
    const row = r === undefined ? this.lastRow + 1 : Number(r);
    if (!Number.isInteger(row) || row < 1 || row > MAX_ROW) throw this.fatal(`a row is numbered "${r}", which no spreadsheet row is`);
    if (row <= this.lastRow) throw this.fatal(`row ${row} comes after row ${this.lastRow} (rows out of order)`);
    this.lastRow = row;
    this.row = { row, cells: [], fault: undefined, faults: 0 };
    this.rowText = 0;
    this.column = 0;
  }

  private openCell(a: Record<string, string>): void {
    const row = this.row!;
    const ref = a.r === undefined ? { column: this.column + 1, row: row.row } : cellRef(a.r);
    if (!ref || ref.column > MAX_COLUMN || ref.column < 1) throw this.fatal(`row ${row.row} has a cell at "${a.r ?? columnName(this.column + 1)}", which no spreadsheet cell is`);
    if (ref.row !== row.row) throw this.fatal(`cell ${a.r} is inside row ${row.row}`);
    if (ref.column <= this.column) throw this.fatal(`cell ${a.r} comes after column ${columnName(this.column)} in row ${row.row} (cells out of order)`);
    this.column = ref.column;
    this.type = a.t ?? 'n';
    this.style = a.s === undefined ? 0 : Number(a.s);
    this.formula = false;
    this.value = undefined;
    this.inline = undefined;
    this.into = undefined;
  }

  private closeCell(row: SheetRow): void {
    const cell = this.cellValue();
    const where = () => `sheet "${this.sheet}", cell ${columnName(this.column)}${row.row}`;
    if (typeof cell === 'object' && cell !== null) return this.fault(row, { column: this.column, code: 'excel_error', message: `${where()}: ${cell.problem}`, value: cell.value });
    if (typeof cell === 'string') {
      this.rowText += cell.length;
      if (this.rowText > MAX_RECORD_BYTES) return this.fault(row, { column: this.column, code: 'too_large', message: `${where()}: this row holds more than ${MAX_RECORD_BYTES / 1024 / 1024} MB of text` });
    }
    if (cell !== null) row.cells.push({ column: this.column, value: cell });
  }

  private fault(row: SheetRow, fault: CellFault): void {
    row.faults++;
    // A row over the size limit is that, whatever else is wrong with it.
    if (!row.fault || (fault.code === 'too_large' && row.fault.code !== 'too_large')) row.fault = fault;
  }

  /** The cell's value, null when it has none, or the problem that keeps it from having one. */
  private cellValue(): string | boolean | null | { problem: string; value?: string } {
    const v = this.value;
    const uncalculated = { problem: 'the formula here has no saved result (the workbook was never calculated)' };
    switch (this.type) {
      case 's': {
        const text = v === undefined || !/^\d+$/.test(v) ? undefined : this.context.strings[Number(v)];
        return text ?? { problem: `the cell refers to shared string ${v || '(none)'}, which the workbook does not have` };
      }
      case 'inlineStr':
        return unescapeExcel(this.inline ?? v ?? '');
      case 'str':
        return v === undefined ? (this.formula ? uncalculated : null) : unescapeExcel(v);
      case 'b':
        return v === '1' || v === 'true' ? true : v === '0' || v === 'false' ? false : v === undefined ? null : { problem: `"${v}" is not a true/false value`, value: v };
      case 'e':
        return { problem: `the cell holds the Excel error ${v ?? '(none)'}`, value: v };
      case 'd':
        return v === undefined ? null : /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : { problem: `"${v}" is not a date`, value: v };
      case 'n':
        return v === undefined || v === '' ? (this.formula ? uncalculated : null) : this.number(v.trim());
      default:
        return { problem: `the cell has a type ("${this.type}") that no workbook cell has`, value: v };
    }
  }

  private number(v: string): string | { problem: string; value: string } {
    if (!NUMBER.test(v)) return { problem: `"${v}" is not a number`, value: v };
    const n = Number(v);
    if (!this.context.dateStyles[this.style]) return String(n);
    return serialDate(n, this.context.date1904) ?? { problem: `${v} is not a date Excel can show`, value: v };
  }
}
