import { basename } from 'node:path';
import { quote } from '../model/issues.js';
import type { Batch, OpenFile } from './batch.js';
import { unpack } from './key-index.js';

/**
 * Phase 4: what only the whole batch can tell — references to records read later (a company's main
 * contact, a user's approver), then duplicates of unique keys across every file.
 */
export function settle(batch: Batch): void {
  for (const d of batch.deferred) {
    if (batch.stopped) return;
    if (batch.exists(d.ref, d.value)) continue;
    const { fileIndex, line } = unpack(d.location);
    const file = batch.files[fileIndex]!;
    const issue = batch.referenceIssue({ file: file.summary.file, line, entity: d.entity }, d.field, d.value, d.ref);
    batch.emit(issue, file);
    if (issue.severity === 'error') batch.invalid.add(d.location);
  }
  for (const file of batch.files) {
    if (!file.rules) continue;
    for (const field of file.rules.unique) {
      const index = batch.indexes.get(`${file.rules.entity}.${field}`)!;
      for (const [value, locations] of index.duplicates()) {
        for (const location of locations) {
          if (batch.stopped) return;
          const { fileIndex, line } = unpack(location);
          if (fileIndex !== file.index) continue;
          const others = locations.filter((l) => l !== location).map(unpack);
          batch.emit(
            { file: file.summary.file, line, entity: file.rules.entity, field, value, code: 'duplicate', severity: 'error', hint: null,
              message: `${field} ${quote(value)}${index.ignoreCase ? ' (ignoring case)' : ''} is not unique: ${describeOthers(others, fileIndex, batch.files)}` },
            file,
          );
          batch.invalid.add(location);
        }
      }
    }
  }
}

function describeOthers(others: Array<{ fileIndex: number; line: number }>, fileIndex: number, files: OpenFile[]): string {
  const same = others.filter((o) => o.fileIndex === fileIndex).map((o) => o.line);
  const parts: string[] = [];
  if (same.length) parts.push(`also on ${same.length === 1 ? 'line' : 'lines'} ${same.join(', ')}`);
  for (const o of others.filter((o) => o.fileIndex !== fileIndex)) parts.push(`also on line ${o.line} of ${basename(files[o.fileIndex]!.summary.file)}`);
  return parts.join('; ');
}
