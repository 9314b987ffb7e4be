import { basename, join } from 'node:path';
import { csvText, encodeCsv, HANDED_BACK_DIALECT, STANDARD_DIALECT, type CsvDialect } from '../../io/dialect.js';
import { cellText, rawText } from '../../io/cells.js';
import { writeXlsx } from '../../io/xlsx.js';
import type { RawValue } from '../model/canonical.js';
import type { PlannedOp } from '../plan/plan.js';
import { writeFileAtomic } from '../../shared/atomic-write.js';
import type { LeftOut, OpResult } from './types.js';

/** "companyId: C-77 → ACME01; status: on_leave → Enabled": what the mapping file's value lookups changed. */
function mappedText(op: PlannedOp): string {
  return Object.entries(op.mapped ?? {})
    .filter(([field]) => op.values !== undefined && field in op.values)
    .map(([field, written]) => `${field}: ${written} → ${cellText(op.values?.[field])}`)
    .join('; ');
}

export interface ResultsOptions {
  /** How each input file is written (by its name as read): its failed rows are written the same way. */
  dialects?: ReadonlyMap<string, CsvDialect>;
  /** The failed rows as a workbook too (always for a workbook input). */
  xlsx?: boolean;
}

/**
 * results.csv: one row per operation, and one per row left out of the plan (invalid, conflicting);
 * failed[-<input>].csv: every row that did not land for sure, in its input's own columns and dialect
 * (encoding, delimiter, line ends; a workbook's or JSON's as UTF-8 with a BOM) — the one file to fix and run again — and as .xlsx for a workbook
 * input or when asked. Returns what could not be done as asked (a character the input's encoding has
 * no byte for: that file is UTF-8 with a BOM).
 */
export async function writeResults(dir: string, results: OpResult[], leftOut: readonly LeftOut[], options: ResultsOptions = {}): Promise<string[]> {
  const rows = [
    ...results.map((r) => [r.op.file ?? '', r.op.line ?? '', r.op.key, r.op.entity, r.op.action, r.status, r.id ?? r.op.id ?? '', r.error ?? '', mappedText(r.op)]),
    ...leftOut.map((l) => [l.file, l.line, l.key, l.entity, '', l.status, '', l.error, '']),
  ].map((row) => row.map(String));
  await writeFileAtomic(join(dir, 'results.csv'), csvText([['file', 'line', 'key', 'entity', 'action', 'status', 'targetId', 'error', 'mapped'], ...rows], STANDARD_DIALECT));
  const unfinished = [
    ...results.filter((r) => r.status !== 'ok' && r.op.file && r.op.source).map((r) => ({ file: r.op.file!, line: r.op.line ?? 0, source: r.op.source! })),
    ...leftOut.filter((l) => l.source).map((l) => ({ file: l.file, line: l.line, source: l.source! })),
  ].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  const byFile = new Map<string, Array<Record<string, RawValue>>>();
  for (const r of unfinished) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r.source]);
  const notes: string[] = [];
  for (const [file, sources] of byFile) {
    const columns = [...new Set(sources.flatMap((s) => Object.keys(s)))];
    const name = byFile.size === 1 ? 'failed.csv' : `failed-${basename(file).replace(/\.[^.]+$/, '')}.csv`;
    const cells = sources.map((s) => columns.map((c) => rawText(s[c])));
    // A workbook's or JSON's rows: UTF-8 with a BOM, as the report's download (Excel reads its accents).
    const dialect = options.dialects?.get(file) ?? HANDED_BACK_DIALECT;
    const encoded = encodeCsv(csvText([columns], dialect) + csvText(cells, dialect), dialect);
    if (encoded.fallback) notes.push(`${name} ${encoded.fallback}`);
    await writeFileAtomic(join(dir, name), encoded.bytes);
    // Input from a workbook (or asked for): the same rows as a workbook too, the file HR staff open.
    if (options.xlsx || /\.xlsx$/i.test(file)) await writeXlsx(join(dir, name.replace(/\.csv$/, '.xlsx')), [{ name: 'failed', columns, rows: cells }]);
  }
  return notes;
}
