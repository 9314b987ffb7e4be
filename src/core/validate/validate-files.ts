import { basename } from 'node:path';
import { readRecords } from '../../io/records.js';
import type { FileFormat, ReadEvent, ReadOptions, ReadProblem } from '../../io/types.js';
import { mapColumns, type ColumnMap } from '../mapping/columns.js';
import { inferEntity } from '../mapping/infer-entity.js';
import type { Mapping } from '../mapping/mapping-file.js';
import { mapRecord } from '../mapping/row.js';
import type { Approver, CanonicalRecord, FieldValue } from '../model/canonical.js';
import { DEPENDENCY_ORDER, type Entity } from '../model/entities.js';
import { FIELDS } from '../model/fields.js';
import { entitiesOf, rulesFor } from '../../connectors/registry.js';
import { checkRecord } from '../rules/check-record.js';
import { type Issue, quote } from '../model/issues.js';
import { KeyIndex, pack, unpack } from './key-index.js';
import type { KnownRecords } from './known-records.js';
import type { Reference, RuleSet } from '../rules/types.js';

export interface ValidateOptions {
  /** Rule set name: generic, accessplanit, appenate, springest. */
  target: string;
  /** Treat every file as this entity instead of inferring it from the columns. */
  entity?: Entity;
  mapping?: Mapping;
  read?: ReadOptions;
  /** Stop after this many errors (0 or undefined: no limit). */
  maxErrors?: number;
  /** Keep the records that passed every check (import plans from them). */
  keepRecords?: boolean;
  /**
   * Records already on the target: references the batch does not settle are looked up here. A function
   * is called once, after the headers are read, with the entities and fields the rules refer to.
   */
  known?: KnownRecords | ((needs: Map<Entity, Set<string>>) => Promise<KnownRecords>);
}

export interface FileSummary {
  file: string;
  entity: Entity | null;
  /** Why this entity: "--entity", "columns Forenames, Surname", "the file name …". */
  entityReason: string;
  format: FileFormat;
  encoding: string | null;
  delimiter: string | null;
  rows: number;
  errors: number;
  warnings: number;
}

export interface ValidationReport {
  ok: boolean;
  /** Whose field rules were applied. */
  target: string;
  /** The live target references were also checked against, e.g. 'accessplanit "sandbox"', or null. */
  checkedAgainst: string | null;
  summary: { files: number; rows: number; errors: number; warnings: number };
  files: FileSummary[];
  issues: Issue[];
  /** true when --max-errors stopped the run before every row was checked. */
  truncated: boolean;
  /** With keepRecords: the records that passed, in file order (none from a file with a file-level error). */
  records?: CanonicalRecord[];
}

interface OpenFile {
  index: number;
  summary: FileSummary;
  events: AsyncGenerator<ReadEvent[]>;
  /** Events of the first batch after the header. */
  pending: ReadEvent[];
  columns: ColumnMap | undefined;
  rules: RuleSet | undefined;
  /** Fields the file supplies: a mapped column or a mapping default. */
  supplied: Set<string>;
  /** The rule set's references, listed once for the row loop. */
  refs: Array<[string, Reference]>;
}

interface Deferred {
  location: number;
  entity: Entity;
  field: string;
  value: string;
  ref: Reference;
}

class Stop extends Error {}

/** Errors about a whole file: with one of these, none of the file's records is kept. */
const FILE_LEVEL = new Set<Issue['code']>(['missing_column', 'empty_header', 'duplicate_header', 'unknown_entity', 'unsupported_entity', 'no_records']);

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
function keyValues(value: FieldValue | null | undefined): string[] {
  if (value === null || value === undefined || typeof value === 'boolean') return [];
  if (typeof value === 'string') return [value];
  return (value as Array<string | Approver>).map((v) => (typeof v === 'string' ? v : v.email)).filter(Boolean);
}

/**
 * Validates a batch of files together: each file is read as a stream, mapped and checked against the
 * target's rules; then duplicates and references are settled across the whole batch. Files are read
 * in dependency order (groups, companies, users) so a user's company is indexed before the user is
 * checked; the report lists issues in the order the files were given, by line.
 */
export async function validateFiles(paths: readonly string[], options: ValidateOptions): Promise<ValidationReport> {
  const issues: Issue[] = [];
  let errors = 0;
  const maxErrors = options.maxErrors && options.maxErrors > 0 ? options.maxErrors : Infinity;
  const files: OpenFile[] = [];
  const emit = (issue: Issue, file?: OpenFile, fatal = false) => {
    issues.push(issue);
    if (file) file.summary[issue.severity === 'error' ? 'errors' : 'warnings']++;
    if (file && issue.severity === 'error' && (fatal || FILE_LEVEL.has(issue.code))) broken.add(file.index);
    if (issue.severity === 'error' && ++errors >= maxErrors) throw new Stop();
  };
  const invalid = new Set<number>(); // locations of records with an error
  // Files whose records cannot be trusted at all: a required column missing, a header that cannot be
  // read, a read cut short. None of their records is kept: half a file must not look like the whole.
  const broken = new Set<number>();
  const kept: CanonicalRecord[] = [];
  const indexes = new Map<string, KeyIndex>(); // "entity.field" → index
  const deferred: Deferred[] = [];
  let truncated = false;
  let knownLabel: string | undefined;

  try {
    // 1. Open every file and read its header, to know which entity each holds.
    for (const [index, path] of paths.entries()) {
      const events = readRecords(path, options.read);
      const first = await events.next();
      const [header, ...pending] = first.done ? [] : first.value;
      const summary: FileSummary = {
        file: path,
        entity: null,
        entityReason: '',
        format: header?.kind === 'header' ? header.format : 'csv',
        encoding: header?.kind === 'header' ? header.encoding : null,
        delimiter: header?.kind === 'header' ? (header.delimiter ?? null) : null,
        rows: 0,
        errors: 0,
        warnings: 0,
      };
      const file: OpenFile = { index, summary, events, pending, columns: undefined, rules: undefined, supplied: new Set(), refs: [] };
      files.push(file);
      const columns = header?.kind === 'header' ? header.columns : [];
      if (columns.length === 0) continue; // nothing to map; read problems (if any) come with the records
      const guess = options.entity
        ? { entity: options.entity, reason: '--entity', unsure: false }
        : inferEntity(path, columns, options.mapping);
      summary.entityReason = guess.reason;
      if (!guess.entity) {
        emit(
          { file: path, line: 1, entity: null, field: null, value: null, code: 'unknown_entity', severity: 'error', hint: 'pass --entity users, companies or groups',
            message: `cannot tell whether this file holds users, companies or groups: ${guess.reason}` },
          file,
        );
        continue;
      }
      summary.entity = guess.entity;
      const rules = rulesFor(options.target, guess.entity);
      if (!rules) {
        emit(
          { file: path, line: 1, entity: guess.entity, field: null, value: null, code: 'unsupported_entity', severity: 'error', hint: null,
            message: `${options.target} does not hold ${guess.entity} (it holds ${entitiesOf(options.target).join(', ')})` },
          file,
        );
        continue;
      }
      file.rules = rules;
      file.refs = Object.entries(rules.fields).flatMap(([field, rule]) => (rule.ref ? [[field, rule.ref] as [string, Reference]] : []));
      file.columns = mapColumns(guess.entity, columns, options.mapping?.[guess.entity]);
      for (const { field } of file.columns.mapped) file.supplied.add(field.name);
      for (const field of options.mapping?.[guess.entity]?.defaults.keys() ?? []) file.supplied.add(field);
    }

    // The target's records, fetched once, for the references these files make.
    let known: KnownRecords | undefined;
    if (typeof options.known === 'function') {
      const needs = new Map<Entity, Set<string>>();
      for (const file of files) for (const [, ref] of file.refs) needs.set(ref.entity, (needs.get(ref.entity) ?? new Set()).add(ref.field));
      if (needs.size) known = await options.known(needs);
    } else known = options.known;
    knownLabel = known?.label;

    // Indexes: unique keys of every entity in the batch, and the targets of references.
    const batchEntities = new Set(files.map((f) => f.summary.entity).filter((e): e is Entity => e !== null));
    const indexFor = (entity: Entity, field: string, ignoreCase: boolean) => {
      const key = `${entity}.${field}`;
      let index = indexes.get(key);
      if (!index) indexes.set(key, (index = new KeyIndex(ignoreCase)));
      return index;
    };
    for (const file of files) {
      if (!file.rules) continue;
      for (const field of file.rules.unique) indexFor(file.rules.entity, field, field === 'email');
      for (const rule of Object.values(file.rules.fields))
        if (rule.ref && batchEntities.has(rule.ref.entity)) indexFor(rule.ref.entity, rule.ref.field, rule.ref.field === 'email' || !!rule.ref.ignoreCase);
    }

    const indexed = new Map<Entity, Array<[string, KeyIndex]>>();
    for (const [key, index] of indexes) {
      const [entity, field] = key.split('.') as [Entity, string];
      indexed.set(entity, [...(indexed.get(entity) ?? []), [field, index]]);
    }

    // 2. File-level findings: missing required columns, unknown and unused columns.
    for (const file of files) {
      if (!file.rules || !file.columns) continue;
      headerIssues(file, (issue) => emit(issue, file));
    }

    // 3. Stream the rows, groups first, then companies, then users.
    const done = new Set<Entity>();
    for (const entity of DEPENDENCY_ORDER) {
      for (const file of files) if ((file.summary.entity ?? 'users') === entity) await readFile(file);
      done.add(entity);
    }

    async function readFile(file: OpenFile): Promise<void> {
      const entity = file.summary.entity;
      const unchecked = new Set<string>();
      let problems = 0;
      for await (const batch of withPending(file)) for (const event of batch) {
        if (event.kind === 'problem') {
          problems++;
          emit(problemIssue(event.problem, entity), file, event.problem.fatal);
          if (!event.problem.fatal) invalid.add(pack(file.index, event.problem.line));
          continue;
        }
        if (event.kind !== 'record') continue;
        file.summary.rows++;
        const raw = event.record;
        const location = pack(file.index, raw.line);
        if (raw.cellCount !== undefined || !file.columns || !file.rules) continue; // ragged, or file not checkable
        const rowIssues: Issue[] = [];
        const record = mapRecord(raw, file.columns, options.mapping?.[file.columns.entity], rowIssues);
        checkRecord(record, file.rules, file.supplied, rowIssues);
        const { values } = record;
        for (const [field, index] of indexed.get(file.rules.entity) ?? []) {
          const value = values[field];
          if (typeof value === 'string') index.add(value, location);
          else for (const v of keyValues(value)) index.add(v, location);
        }
        for (const [field, ref] of file.refs) {
          const refValues = keyValues(values[field]);
          if (refValues.length === 0) continue;
          if (!batchEntities.has(ref.entity)) {
            if (known && refValues.some((v) => known.has(ref.entity, ref.field, v) !== undefined)) {
              for (const value of refValues) if (known.has(ref.entity, ref.field, value) === false) rowIssues.push(referenceIssue(record, field, value, ref));
              continue;
            }
            if (!unchecked.has(field)) {
              unchecked.add(field);
              rowIssues.push({
                file: file.summary.file, line: 1, entity: file.rules.entity, field, value: null, code: 'unchecked_reference', severity: 'warning',
                message: `${field} values were not checked: no ${ref.entity} file in this run to look them up in`,
                hint: `pass the ${ref.entity} file in the same command to check that every ${field} exists`,
              });
            }
            continue;
          }
          for (const value of refValues) {
            if (done.has(ref.entity) && ref.entity !== file.rules.entity) {
              if (!exists(ref, value)) rowIssues.push(referenceIssue(record, field, value, ref));
            } else deferred.push({ location, entity: file.rules.entity, field, value, ref });
          }
        }
        let rowInvalid = false;
        for (const issue of rowIssues) {
          emit(issue, file);
          if (issue.severity === 'error' && issue.line === raw.line) rowInvalid = true;
        }
        if (rowInvalid) invalid.add(location);
        if (options.keepRecords) kept.push(record);
      }
      if (!file.columns && file.summary.rows === 0 && problems === 0 && file.summary.errors === 0)
        emit({ file: file.summary.file, line: 1, entity, field: null, value: null, code: 'no_records', severity: 'error',
          message: 'the file is empty: no header and no records', hint: null }, file);
    }

    /** In the batch, or else among the target's known records. */
    function exists(ref: Reference, value: string): boolean {
      return indexes.get(`${ref.entity}.${ref.field}`)?.has(value) === true || known?.has(ref.entity, ref.field, value) === true;
    }

    function referenceIssue(record: { file: string; line: number; entity: Entity }, field: string, value: string, ref: Reference): Issue {
      const inBatch = files.filter((f) => f.summary.entity === ref.entity).map((f) => basename(f.summary.file));
      const onTarget = known && known.has(ref.entity, ref.field, value) !== undefined ? known.label : undefined;
      const where = [inBatch.length ? `not in ${inBatch.join(', ')}` : '', onTarget ? `${inBatch.length ? 'nor' : 'not'} on ${onTarget}` : ''].filter(Boolean).join(', ');
      const severity = ref.severity ?? 'error';
      return {
        file: record.file, line: record.line, entity: record.entity, field, value, code: 'unknown_reference', severity,
        message: `${field} ${quote(value)} does not exist (${where})`,
        hint: severity === 'warning' ? `the platform rejects it unless such a ${ref.entity === 'users' ? 'user' : ref.entity} already exists there` : null,
      };
    }

    // 4. Batch-wide checks: references to records read later, then duplicates.
    for (const d of deferred) {
      if (exists(d.ref, d.value)) continue;
      const { fileIndex, line } = unpack(d.location);
      const file = files[fileIndex]!;
      const issue = referenceIssue({ file: file.summary.file, line, entity: d.entity }, d.field, d.value, d.ref);
      emit(issue, file);
      if (issue.severity === 'error') invalid.add(d.location);
    }
    for (const file of files) {
      if (!file.rules) continue;
      for (const field of file.rules.unique) {
        const index = indexes.get(`${file.rules.entity}.${field}`)!;
        for (const [value, locations] of index.duplicates()) {
          for (const location of locations) {
            const { fileIndex, line } = unpack(location);
            if (fileIndex !== file.index) continue;
            const others = locations.filter((l) => l !== location).map(unpack);
            emit(
              { file: file.summary.file, line, entity: file.rules.entity, field, value, code: 'duplicate', severity: 'error', hint: null,
                message: `${field} ${quote(value)}${index.ignoreCase ? ' (ignoring case)' : ''} is not unique: ${describeOthers(others, fileIndex, files)}` },
              file,
            );
            invalid.add(location);
          }
        }
      }
    }
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    truncated = true;
  } finally {
    await Promise.all(files.map((f) => f.events.return(undefined)));
  }

  // Stable order: files as given, then line, then whole-row issues before fields in the model's order.
  const order = new Map(files.map((f) => [f.summary.file, f.index]));
  const rank = (i: Issue) => (i.field === null || !i.entity ? -1 : FIELDS[i.entity].findIndex((d) => d.name === i.field));
  issues.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || rank(a) - rank(b));
  const summaries = files.map((f) => f.summary);
  const warnings = issues.filter((i) => i.severity === 'warning').length;
  const report: ValidationReport = {
    ok: errors === 0,
    target: options.target,
    checkedAgainst: knownLabel ?? null,
    summary: { files: files.length, rows: summaries.reduce((n, f) => n + f.rows, 0), errors, warnings },
    files: summaries,
    issues,
    truncated,
  };
  if (options.keepRecords) {
    const index = new Map(files.map((f) => [f.summary.file, f.index]));
    report.records = kept.filter((r) => !broken.has(index.get(r.file)!) && !invalid.has(pack(index.get(r.file)!, r.line)));
  }
  return report;
}

async function* withPending(file: OpenFile): AsyncGenerator<ReadEvent[]> {
  if (file.pending.length) yield file.pending;
  yield* file.events;
}

function describeOthers(others: Array<{ fileIndex: number; line: number }>, fileIndex: number, files: OpenFile[]): string {
  const same = others.filter((o) => o.fileIndex === fileIndex).map((o) => o.line);
  const parts: string[] = [];
  if (same.length) parts.push(`also on ${same.length === 1 ? 'line' : 'lines'} ${same.join(', ')}`);
  for (const o of others.filter((o) => o.fileIndex !== fileIndex)) parts.push(`also on line ${o.line} of ${basename(files[o.fileIndex]!.summary.file)}`);
  return parts.join('; ');
}

/** Findings about the header as a whole, each reported once per file. */
function headerIssues(file: OpenFile, emit: (issue: Issue) => void): void {
  const rules = file.rules!;
  const columns = file.columns!;
  const path = file.summary.file;
  const entity = rules.entity;
  const base = { file: path, line: 1, entity, value: null } as const;
  const exampleHeaders = (field: string) => {
    const def = FIELDS[entity].find((d) => d.name === field);
    return def ? [def.name, ...def.aliases.slice(0, 2)].map((a) => `"${a}"`).join(', ') : `"${field}"`;
  };
  for (const [field, rule] of Object.entries(rules.fields))
    if (rule.required && !file.supplied.has(field))
      emit({ ...base, field, code: 'missing_column', severity: 'error', message: `no column for ${field}, which ${rules.target} requires`,
        hint: `add a column named e.g. ${exampleHeaders(field)}, or map one with --map` });
  for (const group of rules.oneRequired ?? [])
    if (!group.some((f) => file.supplied.has(f)))
      emit({ ...base, field: null, code: 'missing_column', severity: 'error', message: `no column for ${group.join(' or ')}; ${rules.target} needs one of them`, hint: null });
  for (const { column, suggestion } of columns.unknown)
    emit({ ...base, field: null, value: column, code: 'unknown_column', severity: 'warning',
      message: `column "${column}" is not a ${entity} field and will be ignored`,
      hint: suggestion ? `did you mean ${suggestion}? map it with --map` : 'map it to a field with --map if it should be imported' });
  for (const { column, field, winner } of columns.shadowed)
    emit({ ...base, field, value: column, code: 'ambiguous_column', severity: 'warning',
      message: `columns "${winner}" and "${column}" both fill ${field}; "${winner}" is used`, hint: 'map one of them to null with --map to silence this' });
  if (rules.accepts !== 'all')
    for (const { column, field } of columns.mapped)
      if (!rules.accepts.includes(field.name))
        emit({ ...base, field: field.name, value: column, code: 'unused_column', severity: 'warning',
          message: `column "${column}" (${field.name}) is not stored by ${rules.target} and will be ignored`, hint: null });
}
