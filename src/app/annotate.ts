import { extname, resolve } from 'node:path';
import type { Issue } from '../core/model/issues.js';
import { inOrder, type Issues } from '../core/validate/issue-log.js';
import type { ValidationReport } from '../core/validate/validate-files.js';
import { outputFailed, UsageError } from '../errors.js';
import { readRecords } from '../io/records.js';
import type { ReadOptions } from '../io/types.js';
import { rawText } from '../io/cells.js';
import { csvText, encodeCsv, fitWords, STANDARD_DIALECT, type CsvDialect } from '../io/dialect.js';
import { writeFileAtomic } from '../shared/atomic-write.js';
import { writeXlsx, type Sheet } from '../io/xlsx.js';

/** The column added to each annotated row: what is wrong with it, in the words of the report. */
export const ERRORS_COLUMN = 'hrsync errors';

/** Issues about a whole file, which sit on its first line: in a JSON file, that is a record's too. */
const FILE_CODES: ReadonlySet<string> = new Set(['unknown_column', 'unused_column', 'ambiguous_column', 'missing_column', 'unknown_entity', 'unsupported_entity']);

/**
 * A file's issues as its records are read again, in the same order (by line): the notes of a line,
 * from the issues in report order, read a batch at a time — never all of them at once.
 */
class LineNotes {
  private batch: readonly Issue[] = [];
  private at = 0;
  private line = 0;
  private notes = '';

  constructor(private readonly issues: AsyncGenerator<readonly Issue[]>) {}

  /** "message; warning: message" for a line (lines asked for in increasing order). */
  async of(line: number): Promise<string> {
    if (line === this.line) return this.notes;
    const notes: string[] = [];
    for (;;) {
      if (this.at === this.batch.length) {
        const next = await this.issues.next();
        if (next.done) break;
        this.batch = next.value;
        this.at = 0;
        continue;
      }
      const issue = this.batch[this.at]!;
      if (issue.line > line) break;
      if (issue.line === line && !FILE_CODES.has(issue.code)) notes.push(`${issue.severity === 'warning' ? 'warning: ' : ''}${issue.message}`);
      this.at++;
    }
    this.line = line;
    this.notes = notes.join('; ');
    return this.notes;
  }
}

/**
 * One input file back as it was read — its columns in its order, each record one row — with an
 * `hrsync errors` column holding that row's errors and warnings ("field: message"), the rows with
 * none left blank there: the file HR staff fix and send again.
 */
async function annotatedSheet(file: string, report: ValidationReport<Issues>, read: ReadOptions, signal?: AbortSignal): Promise<Sheet & { dialect: CsvDialect }> {
  const issues = inOrder(report.issues, file);
  const notes = new LineNotes(issues);
  let dialect: CsvDialect = STANDARD_DIALECT;
  const columns: string[] = [];
  const rows: Array<{ cells: string[]; note: string }> = [];
  // An annotated file annotated again: its old errors column is replaced, never doubled.
  const add = (names: readonly string[]) => columns.push(...names.filter((c) => c.trim().toLowerCase() !== ERRORS_COLUMN));
  // The header's line: its issues are the file's, not a row's. A JSON file has none: its first line is a record.
  let headerLine = 1;
  try {
    for await (const events of readRecords(file, read)) {
      signal?.throwIfAborted(); // stopped (Ctrl-C): the rest is not read
      for (const event of events) {
        if (event.kind === 'header') {
          add(event.columns);
          if (event.dialect) dialect = event.dialect;
          headerLine = event.format === 'json' || event.format === 'ndjson' ? 0 : (event.row ?? 1);
        }
        else if (event.kind === 'record') {
          // A JSON document's key first seen after its first records: a column like the others.
          if (event.newColumns) add(event.newColumns);
          rows.push({ cells: columns.map((c) => rawText(event.record.values[c])), note: event.record.line > headerLine ? await notes.of(event.record.line) : '' });
        } else if (event.kind === 'problem' && event.problem.line > headerLine && !event.problem.fatal) rows.push({ cells: [], note: `${event.problem.message} (line ${event.problem.line})` });
      }
    }
  } finally {
    await issues.return(undefined);
  }
  const width = columns.length;
  return {
    name: file.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, ''),
    columns: [...columns, ERRORS_COLUMN],
    rows: rows.map(({ cells, note }) => [...cells, ...Array<string>(width - cells.length).fill(''), note]),
    highlight: [width],
    dialect,
  };
}

/** The annotated file's format from its name; a usage error before anything is read when it cannot be. */
export function annotatedFormat(out: string, files: number): '.csv' | '.xlsx' {
  const format = extname(out).toLowerCase();
  if (format !== '.csv' && format !== '.xlsx') throw new UsageError(`--annotate ${out}: write a .csv or an .xlsx file`);
  if (format === '.csv' && files !== 1) throw new UsageError(`--annotate ${out}: a CSV holds one input file, and ${files} were given`, 'name an .xlsx file instead: one sheet per input file');
  return format;
}

/**
 * `validate --annotate OUT`: the input files written back with an `hrsync errors` column. OUT.xlsx:
 * one workbook, a sheet per input file; OUT.csv: one input file, in that file's own dialect (encoding,
 * BOM, delimiter, line ends: the spreadsheet that made it opens it the same way; a JSON input's in
 * hrsync's). `note`: it could not be (a character its encoding has no byte for): said, never lost.
 * Written whole or not at all (0600).
 */
export async function writeAnnotated(files: readonly string[], report: ValidationReport<Issues>, out: string, options: { cwd: string; read?: ReadOptions; signal?: AbortSignal }): Promise<{ path: string; rows: number; note?: string }> {
  const format = annotatedFormat(out, files.length);
  const path = resolve(options.cwd, out);
  const read = { ...options.read, cwd: options.cwd };
  const sheets: Array<Sheet & { dialect: CsvDialect }> = [];
  for (const file of files) sheets.push(await annotatedSheet(file, report, read, options.signal));
  let note: string | undefined;
  try {
    if (format === '.xlsx') await writeXlsx(path, sheets, options.signal);
    else {
      const [sheet] = sheets;
      const { dialect } = sheet!;
      // The notes (the last column) are hrsync's words: made to fit the input's encoding.
      const rows = sheet!.rows.map((row) => [...row.slice(0, -1), fitWords(row.at(-1)!, dialect.encoding)]);
      const encoded = encodeCsv(csvText([sheet!.columns], dialect) + csvText(rows, dialect), dialect);
      note = encoded.fallback;
      await writeFileAtomic(path, encoded.bytes, { mode: 0o600, ...(options.signal ? { signal: options.signal } : {}) });
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw outputFailed('the annotated file', out, error);
  }
  return { path: out, rows: sheets.reduce((n, s) => n + s.rows.length, 0), ...(note ? { note } : {}) };
}
