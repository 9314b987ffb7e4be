import type { RawValue } from '../core/model/canonical.js';
import type { ReadProblem } from './types.js';

/** A row that may be a file's header: its number (a sheet's row, a CSV's line) and its cells by column number. */
export interface HeaderCandidate {
  row: number;
  cells: ReadonlyArray<{ column: number; value: RawValue }>;
  /** A cell that could not be read: such a row is taken as it comes. */
  fault?: unknown;
}

/** Rows of one cell (or far fewer cells than the header's) skipped above the header at most: a title, a date, a note or two. */
const PREAMBLE = 5;
const blank = (value: RawValue): boolean => value === null || (typeof value === 'string' && value.trim() === '');
const named = (row: HeaderCandidate) => row.cells.filter((c) => !blank(c.value));
/** A cell a header names a column with: text, not a number or a date. */
const nameLike = (value: RawValue) => typeof value === 'string' && !/^[-+]?\d+([.,]\d+)?$|^\d{4}-\d{2}-\d{2}$/.test(value.trim());

/**
 * Which of a file's first rows with a value (a sheet's rows, a CSV's lines; blank ones left out) is its header, or undefined
 * while it cannot be told yet (`final`: no row follows). The first, unless it has fewer than three
 * named cells and a later row (within PREAMBLE) looks like a header — three or more distinct names,
 * none a number or a date — with every row above it far smaller (one cell, or a third of its cells at
 * most: a title, an export date), and the row below it has most of its values under its names.
 */
export function headerAt(rows: readonly HeaderCandidate[], final: boolean): number | undefined {
  if (named(rows[0]!).length >= 3 || rows.some((r) => r.fault)) return 0;
  const at = rows.findIndex((r) => named(r).length >= 3);
  if (at < 0) return final || rows.length > PREAMBLE ? 0 : undefined;
  const names = named(rows[at]!);
  const distinct = new Set(names.map((c) => String(c.value).trim().toLowerCase())).size === names.length;
  const small = rows.slice(0, at).every((r) => named(r).length === 1 || named(r).length * 3 <= names.length);
  if (at > PREAMBLE || !distinct || !small || !names.every((c) => nameLike(c.value))) return 0;
  const below = rows[at + 1];
  if (!below) return final ? at : undefined;
  const columns = new Set(names.map((c) => c.column));
  const values = named(below);
  return values.filter((c) => columns.has(c.column)).length * 2 >= values.length ? at : 0;
}

/**
 * The warning for the rows skipped above the header (`rows`, the first one a title): said with the
 * first record. `where` starts the message (`sheet "Staff": rows`, `lines`).
 */
export function skippedRows(file: string, rows: readonly HeaderCandidate[], header: number, where: { prefix: string; unit: 'row' | 'line' }): ReadProblem {
  const first = rows[0]!.row;
  const title = String(named(rows[0]!)[0]!.value).trim();
  const shown = title.length > 40 ? `${title.slice(0, 40)}…` : title;
  const which = header - 1 === first ? `${where.unit} ${first}` : `${where.unit}s ${first}–${header - 1}`;
  return {
    file, line: first, code: 'skipped_rows', fatal: false, warning: true, value: title,
    message: `${where.prefix}${which} above the header skipped (a title: "${shown}"); the header is ${where.unit} ${header}`,
    hint: `if the header is one of the skipped ${where.unit}s, delete the ${where.unit}s above it${where.unit === 'row' ? ' in the workbook' : ''}`,
  };
}
