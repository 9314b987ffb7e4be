import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { outputFailed, RemoteError, type OutputError, type UsageError } from '../../errors.js';
import { neutralise } from '../../io/formula.js';
import { cellText, rawText } from '../../io/cells.js';
import { writeXlsx } from '../../io/xlsx.js';
import type { RawValue } from '../model/canonical.js';
import { DEPENDENCY_ORDER } from '../model/entities.js';
import type { PlannedOp } from '../plan/plan.js';
import type { Target } from '../ports.js';
import { writeFileAtomic } from '../../shared/atomic-write.js';
import { runPool } from '../../shared/pool.js';

export interface OpResult {
  op: PlannedOp;
  /**
   * `unknown`: the write was sent, its answer never came (or did not say what happened), and the record could not be found within the
   * settling window: it may land later. It is not sent again; the next run lists the target and settles it.
   */
  status: 'ok' | 'failed' | 'skipped' | 'unknown';
  id?: string;
  error?: string;
}

/** A row of the input that was not planned: its line in results.csv and failed.csv all the same. */
export interface LeftOut {
  file: string;
  line: number;
  entity: string;
  key: string;
  status: 'invalid' | 'conflict';
  /** The first reason. */
  error: string;
  source?: Record<string, RawValue>;
}

export interface ApplyOptions {
  concurrency: number;
  resultsDir: string;
  /** Rows left out of the plan (invalid, conflicting): listed in the results with the reason, and in failed.csv. */
  leftOut?: readonly LeftOut[];
  /** Aborted: no new writes start; those in flight finish. */
  signal?: AbortSignal;
  /** Tests: the clock and the wait between lookups while a lost write settles. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  onProgress?: (done: number, total: number, failed: number) => void;
}

export interface ApplyReport {
  results: OpResult[];
  ok: number;
  failed: number;
  skipped: number;
  /** Writes whose outcome is unknown: sent, with no answer or one that did not say what happened, not found (yet). */
  unknown: number;
  resultsDir: string;
  interrupted: boolean;
  /** Set when the target failed as a whole (credentials refused): the rest was not tried. */
  targetFailure?: RemoteError;
  /**
   * Set when hrsync's own record of the run could not be written (a full disk): no new write started
   * after it, those in flight finished. `resultsWritten` says whether results.csv made it.
   */
  outputFailure?: OutputError | UsageError;
  resultsWritten: boolean;
}

/**
 * Creates and updates per entity in dependency order, then removals in reverse: each phase finishes
 * before the next. Within an entity, an operation that waits for others (`after`: a report for its
 * new approver) runs in a later wave than all of them.
 */
function phases(ops: PlannedOp[]): PlannedOp[][] {
  const out: PlannedOp[][] = [];
  for (const entity of DEPENDENCY_ORDER) out.push(...waves(ops.filter((o) => o.entity === entity && (o.action === 'create' || o.action === 'update'))));
  for (const entity of [...DEPENDENCY_ORDER].reverse()) out.push(ops.filter((o) => o.entity === entity && (o.action === 'deactivate' || o.action === 'delete')));
  return out.filter((p) => p.length > 0);
}

/** Operations by depth of what they wait for: wave 0 waits for nothing, wave n for some of wave n-1. */
function waves(ops: PlannedOp[]): PlannedOp[][] {
  const byKey = new Map(ops.map((o) => [o.key, o]));
  const depth = new Map<PlannedOp, number>();
  const depthOf = (op: PlannedOp, seen: Set<PlannedOp>): number => {
    const known = depth.get(op);
    if (known !== undefined) return known;
    if (seen.has(op)) return 0; // a plan never holds a circle; a hand-made one runs in some order
    seen.add(op);
    const d = Math.max(-1, ...(op.after ?? []).map((k) => byKey.get(k)).filter((o): o is PlannedOp => o !== undefined).map((o) => depthOf(o, seen))) + 1;
    depth.set(op, d);
    return d;
  };
  const out: PlannedOp[][] = [];
  for (const op of ops) (out[depthOf(op, new Set())] ??= []).push(op);
  return out.filter(Boolean);
}

/**
 * How many writes one request can carry (a batch write, e.g. SCIM /Bulk): apply keeps that many times
 * its concurrency in flight so that the writer can fill its requests. 1 for a target without.
 */
async function writesPerRequest(target: Target): Promise<number> {
  const width = (await target.writer?.writesPerRequest?.()) ?? 1;
  return Number.isInteger(width) && width > 1 ? width : 1;
}

/** A write whose answer never came (or did not say what happened) and whose record could not be found (yet): not sent again. */
class OutcomeUnknown extends Error {}

/**
 * A create whose answer was lost may have happened — now, or later: a server may commit after the
 * client gave up. Its record is looked up by its keys again and again, with backoff, over the target's
 * settling window; found, it is done. Not found, it is NOT sent again on the strength of empty
 * lookups (that is how a late commit becomes a duplicate): its outcome is unknown, and the next run,
 * which lists the target first, settles it.
 */
async function create(target: Target, op: PlannedOp, clock: { sleep: (ms: number) => Promise<void>; now: () => number }): Promise<string> {
  const writer = target.writer!;
  const keys = writer.matchKeys(op.entity).filter((k) => typeof op.values?.[k] === 'string' && op.values[k]);
  try {
    const { id } = await writer.write(op);
    // A success that names no record (an HTML page, an empty body) says nothing about what happened.
    if (!id) throw new RemoteError('outcome_unknown', `${target.label}: the create was answered without the new record's id`, undefined);
    return id;
  } catch (error) {
    if (!(error instanceof RemoteError) || error.kind !== 'outcome_unknown') throw error;
    if (keys.length === 0) throw new OutcomeUnknown(`${error.message}; it has no key (${writer.matchKeys(op.entity).join(', ')}) to look it up by`);
    const window = writer.settleMs();
    const started = clock.now();
    for (let round = 0; ; round++) {
      for (const field of keys) {
        const found = await writer.lookup(op.entity, { field, value: String(op.values![field]) }).catch((e: unknown) => {
          if (e instanceof RemoteError) return undefined; // cannot look: still unknown
          throw e;
        });
        if (found) return String(found.id);
      }
      const elapsed = clock.now() - started;
      if (elapsed >= window)
        throw new OutcomeUnknown(`${error.message}, and no ${op.entity} with ${keys.map((k) => `${k}=${String(op.values![k])}`).join(' or ')} was found within ${Math.round(window / 1000)} s; not sent again (it may land late): run the import again to settle it`);
      await clock.sleep(Math.min(window - elapsed, 250 * 2 ** round));
    }
  }
}

/**
 * Applies a plan: bounded concurrency within a phase, a journal line appended as each write completes
 * (so a run killed half-way leaves a record of what happened; running the import again converges),
 * and results files at the end: results.csv for every operation, failed rows in their input's columns.
 */
export async function applyPlan(target: Target, ops: PlannedOp[], options: ApplyOptions): Promise<ApplyReport> {
  const journalPath = join(options.resultsDir, 'journal.ndjson');
  // One descriptor for the run; each line is handed to the OS synchronously as its write completes
  // (microseconds, and it survives kill -9), without holding a worker up for a threadpool round trip.
  // Opened before the first write: a results folder that cannot be written stops the run here.
  let journal: number;
  try {
    await mkdir(options.resultsDir, { recursive: true, mode: 0o700 });
    journal = openSync(journalPath, 'a', 0o600);
  } catch (error) {
    throw outputFailed('the results in', options.resultsDir, error, 'nothing was written to the target; choose another --results folder, or free some space');
  }
  const results = new Map<PlannedOp, OpResult>();
  let failed = 0;
  let targetFailure: RemoteError | undefined;
  /** Not the target's failure but hrsync's own (a bug): no new writes, results written, then it is thrown. */
  let internal: unknown;
  /** hrsync's record of the run cannot be written (a full disk): no new writes, those in flight finish. */
  let outputFailure: OutputError | UsageError | undefined;
  const stopped = () => options.signal?.aborted === true || targetFailure !== undefined || internal !== undefined || outputFailure !== undefined;

  const clock = { sleep: options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))), now: options.now ?? Date.now };
  let unknown = 0;
  const byKey = new Map(ops.map((o) => [o.key, o]));
  const run = async (op: PlannedOp): Promise<void> => {
    let result: OpResult;
    // Sent only once what it waits for is there: a report before its approver would be refused.
    const missing = (op.after ?? []).map((k) => byKey.get(k)).find((o) => o && results.get(o)?.status !== 'ok');
    if (missing) {
      results.set(op, { op, status: 'skipped', error: `not sent: it names ${missing.key}, whose ${missing.action} did not succeed (${results.get(missing)?.status ?? 'not tried'})` });
      options.onProgress?.(results.size, ops.length, failed);
      return;
    }
    try {
      const id = op.action === 'create' ? await create(target, op, clock) : (await target.writer!.write({ action: op.action, entity: op.entity, ...(op.id ? { id: op.id } : {}), ...(op.values ? { values: op.values } : {}) })).id;
      result = { op, status: 'ok', id };
    } catch (error) {
      if (error instanceof OutcomeUnknown || (error instanceof RemoteError && error.kind === 'outcome_unknown')) {
        // Sent, with no answer (or one that did not say), not found: not a failure (it may have landed), not a success.
        result = { op, status: 'unknown', error: error.message };
        unknown++;
      } else if (error instanceof RemoteError) {
        if (error.kind === 'auth' || error.kind === 'tls' || error.kind === 'unexpected_answer') targetFailure ??= error; // the rest would fare the same
        const detail = error.fieldErrors.length ? error.fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ') : error.message;
        result = { op, status: 'failed', error: detail };
        failed++;
      } else {
        internal ??= error;
        result = { op, status: 'failed', error: `internal error: ${error instanceof Error ? error.message : String(error)}` };
        failed++;
      }
    }
    results.set(op, result);
    if (!outputFailure)
      try {
        // A disk that fills takes part of a line, then refuses the rest (ENOSPC): loop until it does.
        let line = Buffer.from(`${JSON.stringify({ at: new Date().toISOString(), entity: op.entity, action: op.action, key: op.key, file: op.file ?? null, line: op.line ?? null, status: result.status, id: result.id ?? op.id ?? null, error: result.error ?? null })}\n`);
        while (line.length) line = line.subarray(writeSync(journal, line));
      } catch (error) {
        outputFailure = outputFailed('the journal', journalPath, error);
      }
    options.onProgress?.(results.size, ops.length, failed);
  };

  try {
    for (const phase of phases(ops)) {
      await runPool(phase, options.concurrency * (await writesPerRequest(target)), run, stopped);
      if (stopped()) break;
    }
  } finally {
    try {
      closeSync(journal);
    } catch (error) {
      outputFailure ??= outputFailed('the journal', journalPath, error);
    }
  }

  const why = targetFailure ? 'not tried: the target failed' : internal !== undefined ? 'not tried: hrsync failed' : outputFailure ? 'not tried: the journal could not be written' : 'not tried: interrupted';
  const all = ops.map((op) => results.get(op) ?? { op, status: 'skipped' as const, error: why });
  let resultsWritten = false;
  try {
    await writeResults(options.resultsDir, all, options.leftOut ?? []);
    resultsWritten = true;
  } catch (error) {
    outputFailure ??= outputFailed('the results in', options.resultsDir, error);
  }
  if (internal !== undefined) throw internal;
  return {
    results: all,
    ok: all.filter((r) => r.status === 'ok').length,
    failed,
    unknown,
    skipped: all.filter((r) => r.status === 'skipped').length,
    resultsDir: options.resultsDir,
    interrupted: options.signal?.aborted === true,
    ...(targetFailure ? { targetFailure } : {}),
    ...(outputFailure ? { outputFailure } : {}),
    resultsWritten,
  };
}

/**
 * results.csv: one row per operation, and one per row left out of the plan (invalid, conflicting);
 * failed[-<input>].csv: every row that did not land for sure, in its input's own columns — the one
 * file to fix and run again.
 */
/** "companyId: C-77 → ACME01; status: on_leave → Enabled": what the mapping file's value lookups changed. */
function mappedText(op: PlannedOp): string {
  return Object.entries(op.mapped ?? {})
    .filter(([field]) => op.values !== undefined && field in op.values)
    .map(([field, written]) => `${field}: ${written} → ${cellText(op.values?.[field])}`)
    .join('; ');
}

async function writeResults(dir: string, results: OpResult[], leftOut: readonly LeftOut[]): Promise<void> {
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
