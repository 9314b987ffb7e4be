import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { applyPlan, type ApplyReport, type LeftOut } from '../core/apply/apply.js';
import type { CanonicalValues } from '../core/model/canonical.js';
import { DEPENDENCY_ORDER, type Entity } from '../core/model/entities.js';
import { buildPlan, DeactivationLimit, MissingLimit, parseLimit, type Limit, type Plan, type PlanOptions, type RunMode } from '../core/plan/plan.js';
import { planFields, projected } from '../core/plan/project.js';
import { TargetRows } from './target-rows.js';
import type { TargetRecords } from '../core/plan/row-sets.js';
import type { MatchKey, Connection } from '../core/ports.js';
import type { CanonicalRecord } from '../core/model/canonical.js';
import { keyValue } from '../core/model/keys.js';
import { boundedHeapGrowth } from '../shared/heap.js';
import { Interner } from '../shared/interner.js';
import { runPool } from '../shared/pool.js';
import { FILE_LEVEL } from '../core/validate/batch.js';
import { ROW_PROBLEMS } from '../core/validate/check-rows.js';
import type { ValidationReport } from '../core/validate/validate-files.js';
import { withinTolerance, type Tolerance } from '../core/validate/tolerance.js';
import { outputFailed, RemoteError, SafetyStop, UsageError } from '../errors.js';
import { runExport, type ExportReport } from './export-run.js';
import type { CalendarSettings } from './calendar-settings.js';
import type { OpenedTarget } from './open-target.js';
import { runPolicy } from './target-policy.js';
import { runValidation, type InputOptions } from './validate-run.js';
import { sentState, type SentState } from './write-run.js';

export interface ImportOptions extends InputOptions {
  /** How to plan; `invalid` and `synced` are filled in here. */
  plan: Omit<PlanOptions, 'invalid' | 'synced'>;
  /** Plan nothing when any row is invalid. */
  strict?: boolean;
  /** --max-invalid: plan nothing when more rows than this are invalid; up to it, they are tolerated (PlannedImport.tolerated). */
  maxInvalid?: Tolerance;
  /** The working folder of the run (the state is the opened target's: OpenedTarget.state). */
  cwd: string;
  /** How --max-missing was written, for the message when it stops the run. */
  maxMissingText?: string;
  /**
   * The run's clock (ms since 1970): the moment the plan is made for (--as-of, else when the run
   * started, read once). Every start and end date is read at it.
   */
  asOf: number;
  /** How --max-deactivations was written (its limit is in `plan.maxDeactivations`), for the message when it stops the run. */
  maxDeactivationsText?: string;
  /** --where: users rows whose field holds one of the values (AND across fields), narrowing the target's scope. */
  where?: Record<string, string[]>;
  /** --mode: what the run may write, in place of the target's mode. */
  modes?: RunMode[];
}

export interface PlannedImport {
  target: Connection;
  validation: ValidationReport;
  /** Undefined when --strict stopped the run on invalid rows. */
  plan: Plan | undefined;
  /** Rows that are in the input but not in the plan because they are invalid or conflicting. */
  inputProblems: number;
  /**
   * Of those, the invalid rows --max-invalid accepts: still reported and left out (results, failed.csv),
   * but not counted against the run's exit code. 0 without --max-invalid.
   */
  tolerated: number;
  /** For a target that cannot be listed: what was last sent to it (in the state store), updated after a successful apply. */
  sync?: SentState;
}

/**
 * The import use case, up to the plan: validate the files (the same rules as `validate`), read what
 * the target holds now for each entity in the input — or, for a target that cannot be listed, what
 * hrsync last sent it — and plan the smallest set of writes. Writes nothing.
 */
export async function planImport(opened: OpenedTarget, files: string[], given: ImportOptions): Promise<PlannedImport> {
  // The input's records and the target's are held together while planning: V8's heap kept from growing far past them (see boundedHeapGrowth).
  return boundedHeapGrowth(() => planWithin(opened, files, given));
}

async function planWithin(opened: OpenedTarget, files: string[], given: ImportOptions): Promise<PlannedImport> {
  // The target's config says what a new HR id on an existing account is (a conflict unless it adopts them).
  const options = opened.onNewHrId ? { ...given, plan: { ...given.plan, onNewHrId: opened.onNewHrId } } : given;
  const target = opened.target;
  if (!target) throw new UsageError(`"${opened.rules?.name}" names rules, not a target to import into`, 'pass a configured target, or "sandbox"');
  if (!target.writer) throw new UsageError(`${target.label} is read-only: import into a platform, and read from it with --from`);
  // Checked before anything is read: a --where naming no field is a usage error at once.
  const policy = runPolicy(opened.policy, options.where, options.modes);
  const validation = await runValidation(opened, files, { ...options, keepRecords: true });
  try {
    const tolerated = !validation.ok && withinTolerance(validation, options.maxInvalid);
    if (!validation.ok && (options.strict || (options.maxInvalid && !tolerated))) return { target, validation, plan: undefined, inputProblems: validation.summary.errors, tolerated: 0 };
    // The input's fields as validation saw them: the plan reads no row back from disk to learn them.
    const known = validation.recordFields ? { ...options, plan: { ...options.plan, inputFields: validation.recordFields } } : options;
    return await planValidated(opened, known, policy, validation, tolerated);
  } finally {
    // What the records held on disk (a large input's), once planned.
    validation.closeRecords?.();
  }
}

/** The plan of validated records (planImport, once the input is read). */
async function planValidated(opened: OpenedTarget, options: ImportOptions, policy: ReturnType<typeof runPolicy>, validation: ValidationReport, tolerated: boolean): Promise<PlannedImport> {
  const target = opened.target!; // planWithin checked it is there and writable
  const writer = target.writer!;
  const records = validation.records ?? [];
  // Every row read is either planned or counted here (a file-level error leaves out the whole file).
  const invalid = Math.max(0, validation.summary.rows - records.length) + (validation.ok ? 0 : validation.files.filter((f) => f.rows === 0 && f.errors > 0).length);

  const lookedUp = !target.can.list && target.can.lookupRecords === true;
  const sync = sentState(target, opened.state);
  if (sync) sync.sent = await opened.state.loadSent(sync.scope);
  // The entities in the input; with deletes asked for, also those whose records can keep one from being
  // deleted (a company's users), so the plan can leave such a delete out instead of failing at apply.
  const listed = new Set(records.map((r) => r.entity));
  if (options.plan.missing === 'delete') for (const entity of [...listed]) for (const by of writer.deleteBlockedBy?.(entity) ?? []) listed.add(by.entity);
  const held = new TargetRows();
  try {
    const current = await readCurrent(target, records, listed, options, held);
    return await planOn(opened, options, policy, validation, tolerated, current, { invalid, lookedUp, listed, ...(sync ? { sync } : {}) });
  } finally {
    // The target's records a large plan held on disk: its operations carry what they need of them.
    held.close();
  }
}

/**
 * What the target holds now of each entity `listed`, as a plan keeps it: only the fields it reads
 * (see planFields), a value many records repeat held once, past a number on disk (`held`).
 */
async function readCurrent(target: Connection, records: readonly CanonicalRecord[], listed: ReadonlySet<Entity>, options: ImportOptions, held: TargetRows): Promise<Map<Entity, TargetRecords>> {
  const current = new Map<Entity, TargetRecords>();
  const fields = planFields(target.writer!, records, options.plan);
  const interner = new Interner();
  const keep = (entity: Entity) => (row: CanonicalValues) => projected(row, fields.get(entity) ?? [], interner);
  if (target.can.list)
    for (const entity of DEPENDENCY_ORDER.filter((e) => listed.has(e))) {
      const from = held.size;
      for await (const page of target.list(entity)) for (const row of page) held.hold(keep(entity)(row));
      const rows = held.list(from);
      if (rows.length === 0) await listedNothing(target, entity, records);
      current.set(entity, rows);
    }
  else if (target.can.lookupRecords === true) for (const entity of DEPENDENCY_ORDER.filter((e) => listed.has(e))) current.set(entity, (await lookUpEach(target, entity, records)).map(keep(entity)));
  return current;
}

/** The plan itself, once the input is read and what the target holds is known. */
async function planOn(
  opened: OpenedTarget, options: ImportOptions, policy: ReturnType<typeof runPolicy>, validation: ValidationReport, tolerated: boolean,
  current: ReadonlyMap<Entity, TargetRecords>, { invalid, lookedUp, listed, sync }: { invalid: number; lookedUp: boolean; listed: ReadonlySet<Entity>; sync?: SentState },
): Promise<PlannedImport> {
  const target = opened.target!;
  const records = validation.records ?? [];
  const sent = sync?.sent;
  const calendar: CalendarSettings = opened.calendar ?? { timeZone: 'UTC', createDaysBefore: 0 };
  const brake = deactivationBrake(options, calendar);
  let plan: Plan;
  try {
    plan = await buildPlan(
      target,
      records,
      {
        ...options.plan, invalid, leftOut: validation.rejected ?? [], ...(sent ? { synced: sent } : {}), ...(lookedUp ? { lookedUp: new Set(listed) } : {}), ...(opened.phoneRegion ? { phoneRegion: opened.phoneRegion } : {}),
        ...(brake ? { maxDeactivations: brake.limit } : {}),
        ...(policy ? { policy } : {}),
        lifecycle: { asOf: options.asOf, timeZone: calendar.timeZone, createDaysBefore: calendar.createDaysBefore, ...(calendar.deleteDaysAfter !== undefined ? { deleteDaysAfter: calendar.deleteDaysAfter } : {}) },
      },
      current,
    );
  } catch (error) {
    if (error instanceof DeactivationLimit)
      throw new SafetyStop(
        `${error.message} (${brake?.said ?? `--max-missing ${options.maxMissingText ?? ''}, which --max-deactivations follows unless given`}); nothing was written. The first: ${error.examples.join(', ')}`,
        'check that the input is complete and its end dates and statuses are right; if they are, raise --max-deactivations (or maxDeactivations in the config)',
      );
    if (!(error instanceof MissingLimit)) throw error;
    throw new SafetyStop(
      `${error.message}${options.maxMissingText ? ` (--max-missing ${options.maxMissingText})` : ''}; nothing was written. The first: ${error.examples.join(', ')}`,
      'check that the input is complete; if it is, raise --max-missing',
    );
  }
  return { target, validation, plan, inputProblems: plan.summary.invalid + plan.summary.conflicts, tolerated: tolerated ? plan.summary.invalid : 0, ...(sync ? { sync } : {}) };
}

/**
 * The deactivation brake of a run: --max-deactivations, else the config's maxDeactivations (the
 * target's, else the top level's); undefined: --max-missing's limit, so that raising --max-missing
 * alone keeps working as it did. `said`: where it was set, for the message when it stops the run.
 */
function deactivationBrake(options: ImportOptions, calendar: CalendarSettings): { limit: Limit; said: string } | undefined {
  if (options.plan.maxDeactivations) return { limit: options.plan.maxDeactivations, said: `--max-deactivations ${options.maxDeactivationsText ?? ''}`.trim() };
  const configured = calendar.maxDeactivations;
  const limit = configured && parseLimit(configured.text);
  return configured && limit ? { limit, said: `${configured.where} ${configured.text}` } : undefined;
}

/** Lookups in flight while a plan is made row by row (the target's own client bounds them too). */
const LOOKUPS_IN_FLIGHT = 8;

/**
 * For a target that cannot list: the records each input row's keys find, one lookup per key value
 * (so that keys finding different records are still a conflict), each record once.
 */
async function lookUpEach(target: Connection, entity: Entity, records: readonly CanonicalRecord[]): Promise<CanonicalValues[]> {
  const writer = target.writer!;
  const keys = new Map<string, MatchKey>();
  for (const record of records)
    if (record.entity === entity)
      for (const field of writer.matchKeys(entity)) {
        const value = record.values[field];
        if (typeof value === 'string' && value.trim()) keys.set(`${field}\u0000${keyValue(field, value)}`, { field, value: value.trim() });
      }
  const found = new Map<string, CanonicalValues>();
  await runPool([...keys.values()], LOOKUPS_IN_FLIGHT, async (key) => {
    const hit = await writer.lookup(entity, key);
    if (hit) found.set(typeof hit.id === 'string' && hit.id ? hit.id : `${key.field}=${key.value}`, hit);
  });
  return [...found.values()];
}

/** How many input rows are looked up to test a list that came back empty. */
const EMPTY_LIST_PROBES = 10;

/**
 * A list that came back empty while the input has rows: if a lookup of one of its first rows finds it,
 * the list did not show what the target holds (a server that answers a search it does not support with
 * nothing) — planning on it would create everyone again.
 */
async function listedNothing(target: Connection, entity: Entity, records: readonly CanonicalRecord[]): Promise<void> {
  const writer = target.writer!;
  for (const row of records.filter((r) => r.entity === entity).slice(0, EMPTY_LIST_PROBES)) {
    const field = writer.matchKeys(entity).find((k) => typeof row.values[k] === 'string' && (row.values[k] as string).trim());
    if (!field) continue;
    const key = { field, value: String(row.values[field]).trim() };
    if (!(await writer.lookup(entity, key))) continue;
    throw new RemoteError(
      'unexpected',
      `${target.label} listed no ${entity}, yet ${field}=${key.value} (${row.file}:${row.line}) is there: its list is not complete, so nothing was planned or written`,
      undefined,
      [],
      'the platform does not list everything the way hrsync asks: check the target’s listing settings (docs/platforms.md)',
    );
  }
}

export interface ApplyRunOptions {
  concurrency: number;
  /** Where results.csv, failed.csv and the journal go (absolute, or relative to `cwd`). */
  resultsDir: string;
  cwd: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, failed: number) => void;
  /** What run this is: written beside the journal (run.json). */
  run?: object;
  /** The failed rows as failed.xlsx too (--failed-xlsx; always for a workbook input). */
  failedXlsx?: boolean;
}

/**
 * The rows of the input the plan left out — invalid ones with their first error, conflicting ones with
 * the conflict — so that the results and failed.csv account for every row read.
 */
export function leftOutOf(planned: Pick<PlannedImport, 'plan'> & Partial<Pick<PlannedImport, 'validation'>>): LeftOut[] {
  const conflicts: LeftOut[] = (planned.plan?.conflicts ?? []).map((c) => ({ file: c.file, line: c.line, entity: c.entity, key: c.key, status: 'conflict', error: c.message, ...(c.source ? { source: c.source } : {}) }));
  const validation = planned.validation;
  if (!validation) return conflicts;
  const errors = new Map<string, string>();
  // A workbook's header may be below a title: its findings about the whole file are on the header's row.
  const headers = new Map(validation.files.map((f) => [f.file, f.cells?.header ?? 1]));
  for (const issue of validation.issues)
    if (issue.severity === 'error') {
      const at = `${issue.file}:${issue.line}`;
      if (!errors.has(at)) errors.set(at, issue.message);
      // An error about the whole file (a missing column …, or anything on its header's line) is the reason for each of its rows without one of its own.
      if ((FILE_LEVEL.has(issue.code) || issue.line === (headers.get(issue.file) ?? 1)) && !errors.has(`${issue.file}:*`)) errors.set(`${issue.file}:*`, `the file is left out: ${issue.message}`);
    }
  const invalid: LeftOut[] = (validation.rejected ?? []).map((r) => ({
    file: r.file, line: r.line, entity: r.entity, key: describeRow(r.values), status: 'invalid',
    error: errors.get(`${r.file}:${r.line}`) ?? errors.get(`${r.file}:*`) ?? 'left out with its file', source: r.source,
  }));
  // Rows that could not be read as records at all (a line of NDJSON that is not JSON): no values, still a row.
  const unread: LeftOut[] = validation.issues
    .filter((i) => i.severity === 'error' && ROW_PROBLEMS.has(i.code) && i.line > 0)
    .map((i) => ({ file: i.file, line: i.line, entity: i.entity ?? '', key: '', status: 'invalid', error: i.message }));
  return [...invalid, ...unread, ...conflicts];
}

/** "externalId=E1001", or the first key-like value a row has. */
function describeRow(values: CanonicalValues): string {
  const key = ['externalId', 'email', 'id', 'name', 'label'].find((k) => typeof values[k] === 'string' && values[k]);
  return key ? `${key}=${String(values[key])}` : '';
}

/** Applies a plan, then remembers what was sent successfully to a target that cannot be listed. */
export async function applyImport(planned: Pick<PlannedImport, 'target' | 'plan' | 'sync'> & Partial<Pick<PlannedImport, 'validation'>>, options: ApplyRunOptions): Promise<ApplyReport> {
  // Each input's failed rows are written as the input was (its encoding, delimiter, line ends).
  const dialects = new Map((planned.validation?.files ?? []).flatMap((f) => (f.dialect ? [[f.file, f.dialect] as const] : [])));
  const result = await applyPlan(planned.target, planned.plan?.operations ?? [], { ...options, resultsDir: resolve(options.cwd, options.resultsDir), leftOut: leftOutOf(planned), dialects });
  if (planned.sync) {
    const sent = new Map<string, string>();
    for (const r of result.results) if (r.status === 'ok' && r.op.sends) sent.set(r.op.key, r.op.sends);
    for (const [key, value] of sent) planned.sync.sent.set(key, value);
    try {
      await planned.sync.state.saveSent(planned.sync.scope, sent);
    } catch (error) {
      // What was sent stays unknown to the next run, which then treats those fields as never sent.
      result.outputFailure ??= outputFailed('the sync state', planned.sync.state.where, error);
    }
  }
  return { ...result, resultsDir: options.resultsDir };
}

/**
 * --from: the source's users, written as they were read (canonical columns) to from-<name>.ndjson in
 * the run's folder, which then goes through validation and planning like any input file — and stays
 * there as the record of what the run acted on.
 */
export async function pullSource(source: OpenedTarget, name: string, options: { since?: string; resultsDir: string; cwd: string; onNotice?: (message: string) => void }): Promise<{ path: string; report: ExportReport }> {
  if (!source.target) throw new UsageError(`--from "${name}" names rules, not a target to read from`);
  if (!source.target.can.list) throw new UsageError(`--from ${source.target.label}: it cannot be listed`);
  await mkdir(resolve(options.cwd, options.resultsDir), { recursive: true, mode: 0o700 });
  const path = join(options.resultsDir, `from-${name.replace(/[^\w-]/g, '_')}.ndjson`);
  const report = await runExport(source.target, { entity: 'users', output: resolve(options.cwd, path), format: 'ndjson', query: { ...(options.since ? { since: options.since } : {}), ...(options.onNotice ? { onNotice: options.onNotice } : {}) } });
  return { path, report };
}
