import { mapColumns } from '../core/mapping/columns.js';
import type { Mapping } from '../core/mapping/mapping-file.js';
import { inOrder, type Issues } from '../core/validate/issue-log.js';
import type { FileSummary } from '../core/validate/validate-files.js';
import { rawText } from '../io/cells.js';
import { csvText, encodeCsv, fitWords, HANDED_BACK_DIALECT, type CsvDialect } from '../io/dialect.js';
import { STDIN_NAME } from '../io/paths.js';
import { readRecords } from '../io/records.js';
import type { RawRecord, ReadOptions } from '../io/types.js';
import { ERRORS_COLUMN, IssuesByLine, notesOf } from './issues-by-line.js';


/** One input file's rows with an error, as the HTML report offers them for download. */
export interface FailedRowsFile {
  file: string;
  /**
   * The first `limit` of them as CSV, base64: the file's columns, then ERRORS_COLUMN, in the
   * file's own dialect (encoding, BOM, delimiter, line ends; a workbook or JSON: UTF-8 with a BOM,
   * commas); formula-like cells guarded with '.
   */
  csv: string;
  /** The encoding of `csv` (the file's, unless a character it cannot hold made it UTF-8). */
  encoding: string;
  /** Rows in `csv`. */
  rows: number;
  /** Rows of the file with an error (a file-level error: every row), whether in `csv` or not. */
  total: number;
  /** Why the file was not read again (standard input, a file gone since): then `csv` is empty. */
  unread?: string;
}

/** What the report shows of the rows with issues: the failed rows per file, and who each row is. */
export interface FailedRows {
  files: FailedRowsFile[];
  /** "file:line" → the row's person (or record) in a few words: "Ann Lee <ann@x.co> (E1001)". */
  who: Map<string, string>;
}

/** Characters of cells kept per file at most (unless every row is asked for): wide rows cannot make the page huge. */
export const MAX_CHARS = 4_000_000;

/** The fields that say who a row is, in the order they are shown. */
const NAME = ['firstName', 'lastName', 'name', 'label'];
const CONTACT = ['email'];
const IDS = ['externalId', 'id'];

/** "Ann Lee <ann@x.co> (E1001)" from whichever of the row's fields are there. */
function whoOf(record: RawRecord, columnOf: Map<string, string>): string {
  const text = (fields: string[]) => fields.map((f) => (columnOf.has(f) ? rawText(record.values[columnOf.get(f)!]).trim() : '')).filter(Boolean);
  const name = text(NAME).join(' ');
  const [email] = text(CONTACT);
  const ids = text(IDS);
  return [name, email ? `<${email}>` : '', ids.length ? `(${ids.join(', ')})` : ''].filter(Boolean).join(' ');
}

/**
 * Reads one file again beside its issues: the rows with an error become CSV rows (the first `limit`),
 * and each row with any issue gets its "who" (the first `limit` of those). Rows stop being kept once
 * MAX_CHARS of cells are (a finite limit only); they are still counted.
 */
async function failedRowsOf(summary: FileSummary, issues: Issues, who: Map<string, string>, options: { read?: ReadOptions; mapping?: Mapping; limit: number }): Promise<FailedRowsFile> {
  const file = summary.file;
  const lines = new IssuesByLine(inOrder(issues, file));
  const columns: string[] = [];
  const rows: string[][] = [];
  const columnOf = new Map<string, string>();
  const learn = (names: readonly string[]) => {
    columns.push(...names.filter((c) => c.trim().toLowerCase() !== ERRORS_COLUMN));
    if (summary.entity) for (const { column, field } of mapColumns(summary.entity, columns, options.mapping?.[summary.entity]).mapped) columnOf.set(field.name, column);
  };
  let total = 0;
  let named = 0;
  let size = 0;
  const read: { dialect?: CsvDialect | undefined } = {};
  try {
    for await (const events of readRecords(file, options.read))
      for (const event of events) {
        if (event.kind === 'header') {
          learn(event.columns);
          read.dialect = event.dialect;
        }
        if (event.kind !== 'record') continue;
        if (event.newColumns) learn(event.newColumns);
        const { record } = event;
        const found = await lines.of(record.line);
        const failed = lines.fileError || found.some((i) => i.severity === 'error');
        if ((found.length || failed) && named++ < options.limit) who.set(`${file}:${record.line}`, whoOf(record, columnOf));
        if (!failed) continue;
        if (total++ >= options.limit || (options.limit !== Infinity && size > MAX_CHARS)) continue;
        const notes = notesOf(found);
        const row = [...columns.map((c) => rawText(record.values[c])), notes || 'left out with its file'];
        for (const cell of row) size += cell.length + 1;
        rows.push(row);
      }
  } finally {
    await lines.close();
  }
  const width = columns.length + 1;
  // Always guarded: the page offers the file to open in a spreadsheet.
  const dialect: CsvDialect = { ...(read.dialect ?? HANDED_BACK_DIALECT), formulaGuard: true };
  const padded = rows.map((r) => [...r.slice(0, -1), ...Array<string>(width - r.length).fill(''), fitWords(r.at(-1)!, dialect.encoding)]);
  const { bytes, encoding } = encodeCsv(csvText([[...columns, ERRORS_COLUMN], ...padded], dialect), dialect);
  return { file, csv: bytes.toString('base64'), encoding, rows: rows.length, total };
}

/**
 * The input's rows with an error, read again from the files (the issues say which), for the report to
 * offer as CSV; and who each row with an issue is. At most `limit` rows of each kind per file: memory
 * stays bounded whatever the files hold. Standard input cannot be read twice: it is said, not read.
 */
export async function readFailedRows(files: readonly FileSummary[], issues: Issues, options: { read?: ReadOptions; mapping?: Mapping; limit: number }): Promise<FailedRows> {
  const who = new Map<string, string>();
  const out: FailedRowsFile[] = [];
  for (const summary of files) {
    const unread = (why: string): FailedRowsFile => ({ file: summary.file, csv: '', encoding: 'utf-8', rows: 0, total: summary.errors ? summary.rows : 0, unread: why });
    if (summary.file === STDIN_NAME) out.push(unread('standard input cannot be read a second time'));
    else if (summary.errors === 0 && summary.warnings === 0) out.push({ file: summary.file, csv: '', encoding: 'utf-8', rows: 0, total: 0 });
    else out.push(await failedRowsOf(summary, issues, who, options).catch((error: unknown) => unread(`it could not be read again (${error instanceof Error ? error.message : String(error)})`)));
  }
  return { files: out, who };
}
