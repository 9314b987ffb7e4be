import type { ReadEvent } from '../../io/types.js';
import { mapColumns } from '../mapping/columns.js';
import type { EntityMapping } from '../mapping/mapping-file.js';
import type { Issue } from '../model/issues.js';
import type { Batch, OpenFile } from './batch.js';
import { headerIssues } from './header-issues.js';
import { EARLY } from './issue-log.js';
import { pack } from './key-index.js';

/**
 * A JSON document is read as it streams: its header lists the keys of its first records, and a record
 * with a key first seen later names it (`newColumns`). This puts such a file's events between
 * the reader and the row checks (check-rows.ts) so that it is checked as if every column had been in its
 * header, as when the whole document was read first:
 * - a late column is mapped before its record is checked (the records before it, all checked by then,
 *   had no value for it — blank — and a kept one gets its field as blank, as the column was there);
 * - a required field (or one of a group) the first records had no column for: every record checked
 *   before its column came had it blank, so each gets its `required` (or `one_required`) error then;
 * - the file's header findings (missing, unknown, ambiguous and unused columns) wait for its end, when
 *   its columns are known, and are placed where the header's are (EARLY).
 * The lines of the records read while a required field has no column yet are kept (a number each), to
 * be reported; once every required field has one, nothing more is kept.
 */
export async function* lateColumns(
  batch: Batch,
  file: OpenFile,
  header: readonly string[],
  events: AsyncIterable<ReadEvent[]>,
  options: { mapping?: EntityMapping; keepRecords?: boolean },
): AsyncGenerator<ReadEvent[]> {
  const rules = file.rules!;
  const columns = [...header];
  const firstKept = batch.kept.length;
  let waiting = unsupplied(file);
  let lines: number[] | undefined = waiting.length ? [] : undefined;

  const grow = (added: readonly string[]) => {
    const mapped = new Set(file.columns!.mapped.map((m) => m.field.name));
    columns.push(...added);
    file.columns = mapColumns(rules.entity, columns, options.mapping);
    const newly = file.columns.mapped.map((m) => m.field.name).filter((f) => !mapped.has(f));
    for (const field of newly) file.supplied.add(field);
    // A kept record read before the column came: blank there, as it would have been with the column.
    if (options.keepRecords)
      for (let k = firstKept; k < batch.kept.length; k++) {
        const values = batch.kept.at(k).values; // a partial file's records are held in memory (see check-rows)
        for (const field of newly) if (values[field] === undefined) values[field] = null;
      }
    if (!lines) return;
    const now = unsupplied(file);
    for (const { field, group } of waiting) {
      if (now.some((w) => (field ? w.field === field : w.group === group))) continue;
      for (const line of lines) {
        const issue: Issue = field
          ? { file: file.summary.file, line, entity: rules.entity, field, value: null, code: 'required', message: `${field} is required but empty`, severity: 'error', hint: null }
          : { file: file.summary.file, line, entity: rules.entity, field: null, value: null, code: 'one_required', message: `${group!.join(' or ')} is required: ${group!.length === 2 ? 'both are' : 'all are'} empty`, severity: 'error', hint: null };
        batch.emit(issue, file);
        batch.invalid.add(pack(file.index, line));
      }
    }
    waiting = now;
    if (waiting.length === 0) lines = undefined;
  };

  for await (const batchOfEvents of events) {
    let from = 0;
    for (let k = 0; k < batchOfEvents.length; k++) {
      const event = batchOfEvents[k]!;
      if (event.kind !== 'record') continue;
      if (event.newColumns) {
        // The records before it are checked first, with the columns they were read with.
        if (k > from) yield batchOfEvents.slice(from, k);
        from = k;
        if (batch.stopped) return;
        grow(event.newColumns);
      }
      lines?.push(event.record.line);
    }
    yield from ? batchOfEvents.slice(from) : batchOfEvents;
  }
  if (!batch.stopped) headerIssues(file, (issue) => batch.emit(issue, file, false, EARLY));
}

/** The required fields, and the groups of which one is required, that the file supplies nothing for yet. */
function unsupplied(file: OpenFile): Array<{ field: string; group?: undefined } | { field: null; group: readonly string[] }> {
  const rules = file.rules!;
  return [
    ...Object.entries(rules.fields).flatMap(([field, rule]) => (rule.required && !file.supplied.has(field) ? [{ field }] : [])),
    ...(rules.oneRequired ?? []).filter((group) => !group.some((f) => file.supplied.has(f))).map((group) => ({ field: null, group })),
  ];
}
