import { basename, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { neutralise } from '../../io/formula.js';
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

/**
 * results.csv: one row per operation, and one per row left out of the plan (invalid, conflicting);
 * failed[-<input>].csv: every row that did not land for sure, in its input's own columns — the one
 * file to fix and run again.
 */
export async function writeResults(dir: string, results: OpResult[], leftOut: readonly LeftOut[]): Promise<void> {
  const cells = (values: unknown[]) => values.map((c) => neutralise(String(c)));
  const rows = [
    ...results.map((r) => cells([r.op.file ?? '', r.op.line ?? '', r.op.key, r.op.entity, r.op.action, r.status, r.id ?? r.op.id ?? '', r.error ?? '', mappedText(r.op)])),
    ...leftOut.map((l) => cells([l.file, l.line, l.key, l.entity, '', l.status, '', l.error, ''])),
  ];
  await writeFileAtomic(join(dir, 'results.csv'), stringify([['file', 'line', 'key', 'entity', 'action', 'status', 'targetId', 'error', 'mapped'], ...rows]));
  const unfinished = [
    ...results.filter((r) => r.status !== 'ok' && r.op.file && r.op.source).map((r) => ({ file: r.op.file!, line: r.op.line ?? 0, source: r.op.source! })),
    ...leftOut.filter((l) => l.source).map((l) => ({ file: l.file, line: l.line, source: l.source! })),
  ].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  const byFile = new Map<string, Array<Record<string, RawValue>>>();
  for (const r of unfinished) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r.source]);
  for (const [file, sources] of byFile) {
    const columns = [...new Set(sources.flatMap((s) => Object.keys(s)))];
    const name = byFile.size === 1 ? 'failed.csv' : `failed-${basename(file).replace(/\.[^.]+$/, '')}.csv`;
    await writeFileAtomic(join(dir, name), stringify([columns, ...sources.map((s) => columns.map((c) => neutralise(rawText(s[c]))))]));
    // Input from a workbook: the same rows as a workbook too, the file HR staff open.
    if (/\.xlsx$/i.test(file)) {
      await writeXlsx(join(dir, name.replace(/\.csv$/, '.xlsx')), [{ name: 'failed', columns, rows: sources.map((s) => columns.map((c) => rawText(s[c]))) }]);
    }
  }
}
