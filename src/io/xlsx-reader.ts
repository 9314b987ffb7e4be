import type { RawValue } from '../core/model/canonical.js';
import type { ReadEvent, ReadOptions, ReadProblem } from './types.js';
import { onDisk } from './paths.js';
import { checkHeader } from './csv.js';
import { headerAt, skippedRows } from './header-row.js';
import { columnName } from './xlsx-cells.js';
import { readBook, readDateStyles, readSharedStrings, type Book, type SheetInfo } from './xlsx-book.js';
import { SheetCells, type SheetRow } from './xlsx-sheet.js';
import { streamXml } from './xml-stream.js';
import { WorkbookFault, Zip } from './zip.js';

/** Rows per batch handed on: small enough to stream, large enough that the async hops do not count. */
const BATCH = 500;
/** A sheet's XML is streamed, never held: this bounds the time it takes (and the zip's bomb check its size). */
const MAX_SHEET_BYTES = 4 * 1024 * 1024 * 1024;

/**
 * Streams the first visible sheet of an .xlsx workbook (or `options.sheet`, hidden or not) like a CSV:
 * the header is the first row with a value — unless rows of one cell (a title, an export date) stand
 * above a row that names several columns, which is then the header (headerAt) — each later row a record whose line is its row number as
 * the spreadsheet shows it; empty rows are skipped; date cells become yyyy-mm-dd, formulas their
 * result. The zip is read with random access (its parts in any order), the shared strings first
 * (bounded), then the sheet's XML as it inflates, so memory stays bounded. A workbook that cannot be
 * read ends the file with a fatal problem; a cell that cannot be read is its row's problem, never a value.
 */
export async function* readXlsx(file: string, options: ReadOptions = {}): AsyncGenerator<ReadEvent[]> {
  const rows = new SheetRows(file);
  const rowsOf = (sheet: string) => {
    rows.sheet = sheet;
    return rows.row;
  };
  try {
    for await (const _ of streamSheet(onDisk(file, options), options.sheet, rowsOf)) if (rows.events.length >= BATCH) yield rows.take();
  } catch (error) {
    if (error instanceof NoSheet) {
      yield [rows.headerEvent([]), noSheet(file, error.book, options.sheet, error.why)];
      return;
    }
    if (!(error instanceof WorkbookFault)) throw error;
    rows.finish();
    rows.events.push({ kind: 'problem', problem: { file, line: rows.line, code: error.code, message: `the workbook cannot be read: ${error.message}`, hint: error.hint, fatal: true } });
  }
  rows.finish();
  if (!rows.columns) rows.events.unshift(rows.headerEvent([]));
  if (rows.events.length) yield rows.take();
}

/** The workbook has no sheet to read: none named `wanted`, none at all, or none visible. */
export class NoSheet extends WorkbookFault {
  constructor(
    readonly book: Book,
    readonly why: 'missing' | 'none' | 'hidden',
  ) {
    super(`the workbook has no ${why === 'hidden' ? 'visible sheet' : 'such sheet'}`, 'malformed_csv');
  }
}

/**
 * Reads the workbook at `path` (a path on disk) and streams the rows of its sheet `wanted` (else its
 * first visible sheet) to the handler `rowsOf` gives for that sheet's name; yields after each chunk of
 * the sheet's XML. Throws NoSheet when there is no such sheet, a WorkbookFault when it cannot be read.
 */
export async function* streamSheet(path: string, wanted: string | undefined, rowsOf: (sheet: string) => (row: SheetRow) => void): AsyncGenerator<void> {
  const zip = await Zip.open(path);
  try {
    const book = await readBook(zip);
    const chosen = chooseSheet(book.sheets, wanted);
    if (typeof chosen === 'string') throw new NoSheet(book, chosen);
    const entry = chosen.part === undefined ? undefined : zip.entry(chosen.part);
    if (!entry) throw new WorkbookFault(`sheet "${chosen.name}" holds no cells (a chart sheet, or its part is missing)`, 'malformed_csv', 'pass --sheet with a sheet of cells');
    const context = { strings: await readSharedStrings(zip, book.stringsPart), dateStyles: await readDateStyles(zip, book.stylesPart), date1904: book.date1904 };
    yield* streamXml(entry.name, zip.read(entry, MAX_SHEET_BYTES), new SheetCells(chosen.name, context, rowsOf(chosen.name)));
  } finally {
    await zip.close();
  }
}

/** The sheet to read: `wanted` by name (ignoring case; hidden sheets too), else the first visible one. A string says why there is none. */
function chooseSheet(sheets: SheetInfo[], wanted: string | undefined): SheetInfo | 'missing' | 'none' | 'hidden' {
  if (wanted !== undefined) return sheets.find((s) => s.name.toLowerCase() === wanted.toLowerCase()) ?? 'missing';
  if (sheets.length === 0) return 'none';
  return sheets.find((s) => s.state === 'visible' && s.part !== undefined) ?? 'hidden';
}

function noSheet(file: string, book: Book, wanted: string | undefined, why: 'missing' | 'none' | 'hidden'): ReadEvent {
  const names = book.sheets.map((s) => (s.state === 'visible' ? s.name : `${s.name} (${s.state === 'hidden' ? 'hidden' : 'very hidden'})`));
  const problem: ReadProblem = { file, line: 1, code: 'no_records', fatal: true, message: 'the workbook has no sheet', hint: 'save a sheet with a header row in it' };
  if (why === 'missing') {
    problem.message = `the workbook has no sheet named "${wanted}" (its sheets: ${names.join(', ') || 'none'})`;
    problem.hint = `pass --sheet with one of: ${book.sheets.map((s) => s.name).join(', ')}`;
  } else if (why === 'hidden') {
    problem.message = `the workbook has no visible sheet of cells (its sheets: ${names.join(', ')})`;
    problem.hint = 'hidden sheets are read only when named: pass --sheet with one of them';
  }
  return { kind: 'problem', problem };
}

const blank = (value: RawValue): boolean => value === null || (typeof value === 'string' && value.trim() === '');

/** A sheet's rows turned into events: its header (headerAt), then records and their problems. */
class SheetRows {
  events: ReadEvent[] = [];
  columns: string[] | undefined;
  sheet = '';
  /** The row being read, for a fatal problem's line. */
  line = 1;
  /** The named columns: their position in `columns` by column number, -1 for one not read (its name repeats another's). */
  private readonly index = new Map<number, number>();
  /** The rows with a value read before the header is known. */
  private pending: SheetRow[] = [];
  /** Said with the first record: the rows skipped above the header. */
  private skipped: ReadProblem | undefined;
  private headerRow = 0;

  constructor(private readonly file: string) {}

  headerEvent(columns: string[], letters?: string[]): ReadEvent {
    return { kind: 'header', file: this.file, format: 'xlsx', columns, encoding: 'xlsx', ...(this.sheet ? { sheet: this.sheet } : {}), ...(letters ? { row: this.line, letters } : {}) };
  }

  take(): ReadEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  readonly row = (row: SheetRow): void => {
    this.line = row.row;
    if (row.faults === 0 && row.cells.every((c) => blank(c.value))) return; // an empty row: skipped
    if (this.columns) return this.record(row);
    this.pending.push(row);
    this.settle(false);
  };

  /** The sheet's end (or a fault in it): the rows held while the header was not known are read now. */
  finish(): void {
    const line = this.line;
    if (!this.columns && this.pending.length) this.settle(true);
    this.line = line;
  }

  /** The header, once headerAt can tell it: the rows above it skipped (and said), the rows below it read. */
  private settle(final: boolean): void {
    const at = headerAt(this.pending, final);
    if (at === undefined) return;
    const [rows, header] = [this.pending, this.pending[at]!];
    this.pending = [];
    if (at > 0) this.skipped = skippedRows(this.file, rows.slice(0, at), header.row, { prefix: `sheet "${this.sheet}": `, unit: 'row' });
    this.line = header.row;
    this.header(header);
    for (const row of rows.slice(at + 1)) {
      this.line = row.row;
      this.record(row);
    }
  }

  private record(row: SheetRow): void {
    if (!this.columns) return; // read after the header only
    if (row.fault) {
      const more = row.faults > 1 ? ` (and ${row.faults - 1} more ${row.faults === 2 ? 'cell' : 'cells'} in this row)` : '';
      const hint = row.fault.code === 'too_large' ? 'no person’s data is this long: clear the cell, or export the sheet as CSV' : 'fix the cell in the workbook (or clear it) and save it again';
      this.problem({ line: row.row, column: row.fault.column, code: row.fault.code, message: row.fault.message + more, hint, value: row.fault.value });
      return;
    }
    const values: Record<string, RawValue> = {};
    for (const position of this.index.values()) if (position >= 0) values[this.columns[position]!] = null;
    let stray: { column: number; value: RawValue } | undefined;
    let strays = 0;
    for (const cell of row.cells) {
      const position = this.index.get(cell.column);
      if (position !== undefined) {
        if (position >= 0) values[this.columns[position]!] = cell.value;
      } else if (!blank(cell.value)) {
        stray ??= cell;
        strays++;
      }
    }
    this.events.push({ kind: 'record', record: { file: this.file, line: row.row, values }, ...(this.skipped ? { warning: this.skipped } : {}) });
    this.skipped = undefined;
    if (stray) {
      const name = columnName(stray.column);
      const more = strays > 1 ? ` (and ${strays - 1} more in this row)` : '';
      const lower = this.columns.length < 3 ? ` (or, if row ${this.headerRow} is a title, the header may be lower down: delete the rows above it)` : '';
      this.problem({ line: row.row, column: stray.column, code: 'ragged_row', message: `sheet "${this.sheet}", cell ${name}${row.row}: column ${name} has a value but no name in the header row${more}`, value: String(stray.value), hint: `name the column in the header row, or clear the cell${lower}` });
    }
  }

  private problem(p: Omit<ReadProblem, 'file' | 'fatal'>): void {
    this.events.push({ kind: 'problem', problem: { file: this.file, fatal: false, ...p } });
  }

  /** The header row: each run of unnamed columns between named ones is one problem (a cell at XFD is not 16,000 of them). */
  private header(row: SheetRow): void {
    if (row.fault) throw new WorkbookFault(`the header row: ${row.fault.message}`, row.fault.code, 'fix the header row in the workbook');
    this.headerRow = row.row;
    const named = row.cells.filter((c) => !blank(c.value));
    const columns = named.map((c) => String(c.value).trim());
    const checked = checkHeader(this.file, row.row, columns, (i) => `column ${columnName(named[i]!.column)}`);
    const problems: ReadProblem[] = [];
    // A table may start right of column A (a margin column): only the gaps between named columns count.
    let previous = (named[0]?.column ?? 1) - 1;
    for (const cell of named) {
      if (cell.column > previous + 1) {
        const run = cell.column - previous - 1;
        const which = `sheet "${this.sheet}", ${run === 1 ? `column ${columnName(previous + 1)}` : `columns ${columnName(previous + 1)} to ${columnName(cell.column - 1)} (${run.toLocaleString('en')} columns)`}`;
        problems.push({ file: this.file, line: row.row, column: previous + 1, code: 'empty_header', message: `${which} ${run === 1 ? 'has' : 'have'} no name in the header`, hint: 'give every column a name, or delete the empty columns', fatal: false });
      }
      previous = cell.column;
    }
    named.forEach((cell, i) => this.index.set(cell.column, checked.keep[i] ? i : -1));
    this.columns = columns;
    this.events.push(this.headerEvent(columns, named.map((cell) => columnName(cell.column))), ...[...problems, ...checked.problems].map((problem) => ({ kind: 'problem' as const, problem })));
  }
}
