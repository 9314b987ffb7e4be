import { randomBytes } from 'node:crypto';
import type { ApplyReport } from '../core/apply/apply.js';
import type { HeldLock, RunRecord, SentScope, StateStore, Connection } from '../core/ports.js';
import { ExitCode, HrsyncError, StateUnavailable } from '../errors.js';
import { runStamp } from '../shared/run-folder.js';
import { readJournal, type RunFile } from './run-journal.js';
import type { OpenedTarget } from './open-target.js';
import { lockTarget, recordRun } from './state-store.js';

/** What a command that writes asks of the run around it. */
export interface WriteRunOptions<P> {
  /** The command the run history names. */
  command: RunRecord['command'];
  /**
   * The lock on the target, for the whole run: `what` the lock says holds it ("import into …").
   * Absent: no lock (a dry run, an export).
   */
  lock?: { what: (opened: OpenedTarget) => string; waitMs?: number | undefined };
  /** Whether the run goes into the run history (a dry run does not). */
  record: boolean;
  /** What was read from (import --from), for the history. */
  source?: string | undefined;
  /** Counts known before the body runs (a saved plan's summary). */
  counts?: Record<string, number>;
  /** Told of a lost lock, of what the lock passed over, and of a run the history could not keep. */
  warn: (message: string) => void;
  /** Checks and choices made once the target is open but before the lock is taken; handed to the body. */
  prepare?: (opened: OpenedTarget) => P | Promise<P>;
}

/** What the body of a run that writes is given. */
export interface WriteRun {
  /** The run's id, as the history keeps it (`hrsync undo <id>`): its start time and four random hex digits. */
  id: string;
  opened: OpenedTarget;
  /** The lock held for the run, when there is one: its `lost` signal stops new writes. */
  lock: HeldLock | undefined;
  /** What the run history keeps of the run: filled in by the body as it goes. */
  counts: Record<string, number>;
  /** Set by the body once it writes: where its results and journal are (absolute), the saved plan it applied (its signature), the run it undid. */
  results?: string;
  plan?: string;
  undoes?: string;
}

/** The run.json of a run: made by the body once the target is open. */
export function runFile(run: WriteRun, command: RunRecord['command'], target: Connection, at = new Date()): RunFile {
  return { id: run.id, command, target: target.name, label: target.label, identity: target.identity, at: at.toISOString(), ...(run.undoes ? { undoes: run.undoes } : {}) };
}

/**
 * The envelope of every run that writes to a target (import, apply, an export that moves a bookmark):
 * open the target, check, lock, run the body, release the lock, keep the run in the history — whatever
 * its outcome, unless the state store itself could not be reached (said already) or no target was opened
 * — and close. The run's exit code is the body's, or the one its error carries (else internal, 1).
 */
export async function writeRun<P = undefined>(open: () => Promise<OpenedTarget>, options: WriteRunOptions<P>, body: (run: WriteRun, prepared: P) => Promise<number>): Promise<number> {
  const opened = await open();
  const startedAt = new Date();
  const run: WriteRun = { id: `${runStamp(startedAt)}-${randomBytes(2).toString('hex')}`, opened, lock: undefined, counts: { ...options.counts } };
  let code: number = ExitCode.internal;
  let stateDown = false;
  try {
    const prepared = (await options.prepare?.(opened)) as P;
    if (options.lock) run.lock = await lockTarget(opened, options.lock.what(opened), { ...(options.lock.waitMs ? { waitMs: options.lock.waitMs } : {}), onLost: options.warn, warn: options.warn });
    code = await body(run, prepared);
    return code;
  } catch (error) {
    code = error instanceof HrsyncError ? error.exitCode : ExitCode.internal;
    stateDown = error instanceof StateUnavailable;
    throw error;
  } finally {
    try {
      await run.lock?.release();
      if (options.record && opened.target && !stateDown) {
        // A database keeps the run's journal too, so that any runner can undo it; a folder has it in the run's folder.
        const journal = run.results && opened.state.backend === 'postgres' ? await readJournal(run.results).catch(() => undefined) : undefined;
        const extra = { ...(options.source ? { source: options.source } : {}), ...(run.results ? { results: run.results } : {}), ...(run.plan ? { plan: run.plan } : {}), ...(run.undoes ? { undoes: run.undoes } : {}) };
        await recordRun(opened.state, { id: run.id, command: options.command, target: opened.target, startedAt, ...extra, counts: run.counts, exitCode: code }, options.warn, journal);
      }
    } finally {
      await opened.close();
    }
  }
}

/** What the run history keeps of an apply: how many writes were applied, failed, unknown or not sent. */
export function appliedCounts(result: Pick<ApplyReport, 'ok' | 'failed' | 'unknown' | 'skipped'>): Record<string, number> {
  return { applied: result.ok, failed: result.failed, unknown: result.unknown, notSent: result.skipped };
}

/** What was sent to a target that cannot be read back, and where it is kept: updated by an apply. */
export interface SentState {
  state: StateStore;
  scope: SentScope;
  sent: Map<string, string>;
}

/**
 * Where what was sent successfully is remembered, to plan the next run against: a target that can
 * neither list its records nor look them up (Springest). Undefined for any other.
 */
export function sentScope(target: Connection): SentScope | undefined {
  return target.can.list || target.can.lookupRecords ? undefined : { name: target.name, identity: target.identity, entity: 'users' };
}

/**
 * The sent state an apply into `target` keeps up to date — `sent` as it was loaded (an import plans
 * against it), else empty (a saved plan) — or undefined for a target that can be read back.
 */
export function sentState(target: Connection, state: StateStore, sent: Map<string, string> = new Map()): SentState | undefined {
  const scope = sentScope(target);
  return scope ? { state, scope, sent } : undefined;
}
