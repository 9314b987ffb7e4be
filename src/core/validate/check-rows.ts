import type { RawRecord, ReadEvent, ReadProblem } from '../../io/types.js';
import type { Mapping } from '../mapping/mapping-file.js';
import { fromCleanText, mapRecord } from '../mapping/row.js';
import type { Approver, FieldValue, RawValue } from '../model/canonical.js';
import { DEPENDENCY_ORDER, type Entity } from '../model/entities.js';
import type { Issue } from '../model/issues.js';
import { checkRecord } from '../rules/check-record.js';
import type { Batch, OpenFile } from './batch.js';
import type { KeyIndex } from './key-index.js';
import { pack } from './key-index.js';
import { detach } from '../../shared/detach.js';

function problemIssue(problem: ReadProblem, entity: Entity | null): Issue {
  return {
    file: problem.file,
    line: problem.line,
    entity,
    field: null,
    value: problem.value ?? null,
    code: problem.code,
    message: problem.message,
    severity: 'error',
    hint: problem.hint ?? null,
  };
}

/** Values of a field to index or look up: a string, or each item of a list, or each approver's email. */
export function keyValues(value: FieldValue | null | undefined): string[] {
  if (value === null || value === undefined || typeof value === 'boolean') return [];
  if (typeof value === 'string') return [value];
  return (value as Array<string | Approver>).map((v) => (typeof v === 'string' ? v : v.email)).filter(Boolean);
}

async function* withPending(file: OpenFile): AsyncGenerator<ReadEvent[]> {
  if (file.pending.length) yield file.pending;
  yield* file.events;
}

/** Read problems that stand for a whole row that could not be read as a record (NDJSON, JSON, and a workbook's row with an error cell). */
export const ROW_PROBLEMS: ReadonlySet<string> = new Set(['invalid_json', 'not_an_object', 'too_deep', 'inexact_number', 'too_large', 'excel_error']);

export interface RowOptions {
  mapping?: Mapping;
  /** Keep the records (import plans from them). */
  keepRecords?: boolean;
  /** Told the rows read so far, every 1,024 rows. */
  onRows?: (rows: number) => void;
}

/**
 * Phase 3: streams the rows, groups first, then companies, then users, so that a user's company is
 * indexed before the user is checked. Each row is mapped, checked against its rule set, indexed for
 * duplicates, and its references looked up — in the batch, else among the target's known records —
 * or deferred to phase 4 when they point at an entity read later.
 */
export async function checkRows(batch: Batch, options: RowOptions): Promise<void> {
  const batchEntities = new Set(batch.files.map((f) => f.summary.entity).filter((e): e is Entity => e !== null));
  // Indexes: unique keys of every entity in the batch, and the targets of references.
  for (const file of batch.files) {
    if (!file.rules) continue;
    for (const field of file.rules.unique) batch.indexFor(file.rules.entity, field);
    for (const rule of Object.values(file.rules.fields)) if (rule.ref && batchEntities.has(rule.ref.entity)) batch.indexFor(rule.ref.entity, rule.ref.field);
  }
  const indexed = new Map<Entity, Array<[string, KeyIndex]>>();
  for (const [key, index] of batch.indexes) {
    const [entity, field] = key.split('.') as [Entity, string];
    indexed.set(entity, [...(indexed.get(entity) ?? []), [field, index]]);
  }
  const done = new Set<Entity>();
  for (const entity of DEPENDENCY_ORDER) {
    for (const file of batch.files) if ((file.summary.entity ?? 'users') === entity) await checkFile(batch, file, { ...options, indexed, batchEntities, done });
    done.add(entity);
  }
}

interface FileContext extends RowOptions {
  indexed: Map<Entity, Array<[string, KeyIndex]>>;
  batchEntities: Set<Entity>;
  /** Entities whose files were all read. */
  done: Set<Entity>;
}

/** A reading problem: an issue, and its row left out — a line of JSON that is no record is still a row of the file, counted. */
function readingProblem(batch: Batch, file: OpenFile, entity: Entity | null, problem: ReadProblem): void {
  batch.emit(problemIssue(problem, entity), file, problem.fatal);
  if (!problem.fatal) batch.invalid.add(pack(file.index, problem.line));
  if (!problem.fatal && ROW_PROBLEMS.has(problem.code)) file.summary.rows++;
}

/**
 * Ragged: its cells cannot be told apart, so it is not checked, but it is a row left out like any
 * other invalid one — kept (no values, its cells as read) so results and failed.csv account for it.
 */
function keepRagged(batch: Batch, file: OpenFile, ctx: FileContext, raw: RawRecord): void {
  if (ctx.keepRecords && file.columns) batch.keep({ entity: file.columns.entity, file: raw.file, line: raw.line, values: {}, source: raggedSource(raw) }, true);
}

/** A ragged row's cells as read: by its header's names, and the cells past the header as "(cell N)", so none is lost. */
function raggedSource(raw: RawRecord): Record<string, RawValue> {
  const source = { ...raw.values };
  const named = raw.columnIndex ? Math.max(-1, ...raw.columnIndex.values()) + 1 : Object.keys(source).length;
  for (let i = named; i < (raw.cells?.length ?? 0); i++) source[`(cell ${i + 1})`] = raw.cells![i]!;
  return source;
}

/** Said once per field of a file: references to an entity no file of this run holds, so none were checked. */
function uncheckedReference(fileName: string, headerLine: number, entity: Entity, field: string, refEntity: Entity): Issue {
  return {
    file: fileName, line: headerLine, entity, field, value: null, code: 'unchecked_reference', severity: 'warning',
    message: `${field} values were not checked: no ${refEntity} file in this run to look them up in`,
    hint: `pass the ${refEntity} file in the same command to check that every ${field} exists`,
  };
}

async function checkFile(batch: Batch, file: OpenFile, ctx: FileContext): Promise<void> {
  const { entity } = file.summary, unchecked = new Set<string>();
  let problems = 0;
  // Once per file, not per row: the indexes and references of the fields this file supplies at all.
  const supplied = (field: string) => file.supplied.has(field);
  const indexed = (file.rules ? (ctx.indexed.get(file.rules.entity) ?? []) : []).filter(([field]) => supplied(field));
  const refs = file.refs.filter(([field]) => supplied(field));
  // For each reference to an entity whose files are all read (another entity's): its index in the batch.
  const refIndexes = refs.map(([, ref]) => (ctx.done.has(ref.entity) && ref.entity !== file.rules?.entity ? batch.indexes.get(`${ref.entity}.${ref.field}`) : undefined));
  const mapping = file.columns ? ctx.mapping?.[file.columns.entity] : undefined;
  const withSource = ctx.keepRecords === true;
  const rowIssues: Issue[] = [];
  for await (const events of withPending(file)) {
    for (const event of events) {
      if (batch.stopped) return;
      if (event.kind === 'problem') {
        problems++;
        readingProblem(batch, file, entity, event.problem);
        continue;
      }
      if (event.kind !== 'record') continue;
      if (event.warning) batch.emit({ ...problemIssue(event.warning, entity), severity: 'warning' }, file, false);
      file.summary.rows++;
      if ((++batch.rowsRead & 1023) === 0) ctx.onRows?.(batch.rowsRead);
      const raw = event.record;
      const location = pack(file.index, raw.line);
      if (raw.cellCount !== undefined) keepRagged(batch, file, ctx, raw);
      if (raw.cellCount !== undefined || !file.columns || !file.rules) continue; // ragged, or file not checkable
      if (rowIssues.length) rowIssues.length = 0;
      const record = mapRecord(raw, file.columns, mapping, rowIssues, withSource);
      checkRecord(record, file.rules, file.supplied, rowIssues, fromCleanText(raw, mapping));
      const { values } = record;
      for (let k = 0; k < indexed.length; k++) {
        const [field, index] = indexed[k]!;
        const value = values[field];
        if (typeof value === 'string') index.add(value, location);
        else for (const v of keyValues(value)) index.add(v, location);
      }
      for (let k = 0; k < refs.length; k++) {
        const [field, ref] = refs[k]!;
        const value = values[field];
        // A record of another entity, whose files are all read: looked up now, in its index (then the target's).
        const index = refIndexes[k];
        if (index) {
          if (typeof value === 'string') {
            if (!batch.existsIn(index, ref, value)) rowIssues.push(batch.referenceIssue(record, field, value, ref));
          } else for (const v of keyValues(value)) if (!batch.existsIn(index, ref, v)) rowIssues.push(batch.referenceIssue(record, field, v, ref));
          continue;
        }
        const refValues = keyValues(value);
        if (refValues.length === 0) continue;
        const known = batch.known;
        if (!ctx.batchEntities.has(ref.entity)) {
          if (known && refValues.some((v) => known.has(ref.entity, ref.field, v) !== undefined)) {
            for (const value of refValues) if (known.has(ref.entity, ref.field, value) === false) rowIssues.push(batch.referenceIssue(record, field, value, ref));
            continue;
          }
          if (!unchecked.has(field)) {
            unchecked.add(field);
            rowIssues.push(uncheckedReference(file.summary.file, file.headerLine, file.rules.entity, field, ref.entity));
          }
          continue;
        }
        // One read later, or of this same entity: settled at the end.
        for (const value of refValues) batch.deferred.push({ location, entity: file.rules.entity, field, value: detach(value), ref });
      }
      let rowInvalid = false;
      for (let k = 0; k < rowIssues.length; k++) {
        const issue = rowIssues[k]!;
        batch.emit(issue, file);
        if (issue.severity === 'error' && issue.line === raw.line) rowInvalid = true;
      }
      if (rowInvalid) batch.invalid.add(location);
      if (ctx.keepRecords) batch.keep(record, rowInvalid || file.partial); // a partial file's: in memory, a later column blanks them (late-columns.ts)
    }
    for (let k = 0; k < indexed.length; k++) indexed[k]![1].flush(); // this batch's keys in their indexes (see KeyIndex.add)
  }
  if (!file.columns && file.summary.rows === 0 && problems === 0 && file.summary.errors === 0)
    batch.emit({ file: file.summary.file, line: 1, entity, field: null, value: null, code: 'no_records', severity: 'error', message: 'the file is empty: no header and no records', hint: null }, file);
}
