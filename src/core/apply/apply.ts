import { outputFailed } from '../../errors.js';
import type { PlannedOp } from '../plan/plan.js';
import type { Connection } from '../ports.js';
import { runPool } from '../../shared/pool.js';
import { Journal } from './journal.js';
import { phases } from './phases.js';
import { writeResults } from './results.js';
import { Sender } from './send.js';
import type { ApplyOptions, ApplyReport } from './types.js';

export type { ApplyOptions, ApplyReport, LeftOut, OpResult } from './types.js';

/**
 * Applies a plan: bounded concurrency within a phase, a journal line appended as each write completes
 * (so a run killed half-way leaves a record of what happened; running the import again converges),
 * and results files at the end: results.csv for every operation, failed rows in their input's columns.
 */
export async function applyPlan(target: Connection, ops: PlannedOp[], options: ApplyOptions): Promise<ApplyReport> {
  const journal = await Journal.open(options.resultsDir, options.run);
  const sender = new Sender(target, ops, options, journal);
  try {
    for (const phase of phases(ops)) {
      await runPool(phase, options.concurrency * (await writesPerRequest(target)), (op) => sender.send(op), () => sender.stopped());
      if (sender.stopped()) break;
    }
  } finally {
    journal.close();
  }
  const all = sender.all();
  let outputFailure = journal.failure;
  let resultsWritten = false;
  let notes: string[] = [];
  try {
    notes = await writeResults(options.resultsDir, all, options.leftOut ?? [], { ...(options.dialects ? { dialects: options.dialects } : {}), ...(options.failedXlsx ? { xlsx: true } : {}) });
    resultsWritten = true;
  } catch (error) {
    outputFailure ??= outputFailed('the results in', options.resultsDir, error);
  }
  if (sender.internal !== undefined) throw sender.internal;
  return {
    results: all,
    ok: all.filter((r) => r.status === 'ok').length,
    failed: sender.failed,
    unknown: sender.unknown,
    skipped: all.filter((r) => r.status === 'skipped').length,
    resultsDir: options.resultsDir,
    interrupted: options.signal?.aborted === true,
    ...(sender.targetFailure ? { targetFailure: sender.targetFailure } : {}),
    ...(outputFailure ? { outputFailure } : {}),
    resultsWritten,
    ...(notes.length ? { notes } : {}),
  };
}

/**
 * How many writes one request can carry (a batch write, e.g. SCIM /Bulk): apply keeps that many times
 * its concurrency in flight so that the writer can fill its requests. 1 for a target without.
 */
async function writesPerRequest(target: Connection): Promise<number> {
  const width = (await target.writer?.writesPerRequest?.()) ?? 1;
  return Number.isInteger(width) && width > 1 ? width : 1;
}
