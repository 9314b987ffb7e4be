import { extname, resolve } from 'node:path';
import { inOrder, type Issues } from '../core/validate/issue-log.js';
import type { ValidationReport } from '../core/validate/validate-files.js';
import { outputFailed, UsageError } from '../errors.js';
import { readRecords } from '../io/records.js';
import type { ReadOptions } from '../io/types.js';
import { rawText } from '../io/cells.js';
import { csvText, encodeCsv, fitWords, HANDED_BACK_DIALECT, type CsvDialect } from '../io/dialect.js';
import { writeFileAtomic } from '../shared/atomic-write.js';
import { writeXlsx, type Sheet } from '../io/xlsx.js';
import { ERRORS_COLUMN, IssuesByLine, notesOf } from './issues-by-line.js';


/**
 * One input file back as it was read — its columns in its order, each record one row — with an
 * `hrsync errors` column holding that row's errors and warnings ("field: message"), the rows with
 * none left blank there: the file HR staff fix and send again.
 */
async function annotatedSheet(file: string, report: ValidationReport<Issues>, read: ReadOptions, signal?: AbortSignal): Promise<Sheet & { dialect: CsvDialect }> {
  const notes = new IssuesByLine(inOrder(report.issues, file));
  let dialect: CsvDialect = HANDED_BACK_DIALECT; // a workbook's or JSON's: UTF-8 with a BOM
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
          rows.push({ cells: columns.map((c) => rawText(event.record.values[c])), note: event.record.line > headerLine ? notesOf(await notes.of(event.record.line)) : '' });
        } else if (event.kind === 'problem' && event.problem.line > headerLine && !event.problem.fatal) rows.push({ cells: [], note: `${event.problem.message} (line ${event.problem.line})` });
      }
    }
  } finally {
    await notes.close();
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
  const named = extname(out).toLowerCase();
  // A text export saved as .txt or .tsv (a tab-separated one, as many HR systems write) is delimited text too.
  const format = named === '.txt' || named === '.tsv' ? '.csv' : named;
  if (format !== '.csv' && format !== '.xlsx') throw new UsageError(`--annotate ${out}: write a .csv (or .txt, .tsv: the input's own delimiter) or an .xlsx file`);
  if (format === '.csv' && files !== 1) throw new UsageError(`--annotate ${out}: a CSV holds one input file, and ${files} were given`, 'name an .xlsx file instead: one sheet per input file');
  return format;
}

/**
 * `validate --annotate OUT`: the input files written back with an `hrsync errors` column. OUT.xlsx:
 * one workbook, a sheet per input file; OUT.csv: one input file, in that file's own dialect (encoding,
 * BOM, delimiter, line ends: the spreadsheet that made it opens it the same way; a workbook's or JSON
 * input's in hrsync's, with a BOM for Excel). `note`: it could not be (a character its encoding has no byte for): said, never lost.
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
