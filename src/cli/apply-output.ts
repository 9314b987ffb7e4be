import { applyImport, leftOutOf, type PlannedImport } from '../app/import-run.js';
import type { ApplyReport } from '../core/apply/apply.js';
import type { Connection } from '../core/ports.js';
import { ExitCode, exitCodeForSignal } from '../errors.js';
import { printable } from './printable.js';
import type { AppliedSummary } from './render/report-html.js';
import { secondsLeft } from '../core/apply/duration.js';
import { drawsLive, RecentRate, spinner } from './progress.js';
import { progressText } from './render/pacing.js';
import { summaryLine } from './render/plan.js';
import type { Plan } from '../core/plan/plan.js';
import { colourFor, onStopSignals, plural, type Io } from './terminal.js';

/** Said under every summary of a run against the embedded sandbox, so it is never taken for a real one. */
export const EMBEDDED_PLANNED = 'planned against the embedded sandbox: nothing real was read or changed';
export const EMBEDDED_APPLIED = 'into the embedded sandbox: nothing real was changed';

/**
 * Asks whether to apply the plan, unless --yes or no one can answer (then true). When standard output is
 * not the terminal (`hrsync import … | tail`, `--format json | jq`) the plan went there, unseen: the
 * question says its summary first.
 */
export async function confirmApply(io: Io, plan: Plan, label: string, yes: boolean | undefined): Promise<boolean> {
  if (yes || !io.stdinIsTTY) return true;
  const unseen = io.stdout.isTTY ? '' : `${summaryLine(plan).replace(/\.$/, '')} — `;
  const question = `${unseen}${unseen ? 'apply' : 'Apply'} ${plural(plan.operations.length, 'change')} to ${label}? [y/N] `;
  return /^y(es)?$/i.test((await io.ask(question)).trim());
}

/** Off a terminal, the longest an apply goes without a progress line. */
const PROGRESS_LINE_MS = 30_000;

/** An apply's report, and the signal that stopped it early, if one did — or the loss of its lock (why, in words). */
export type AppliedRun = ApplyReport & { stoppedBy?: NodeJS.Signals; lockLost?: string };

/**
 * Applies with progress (a spinner on a terminal, a line per tenth otherwise). Ctrl-C, SIGTERM or
 * SIGHUP stop new writes; those in flight finish (each is bounded by the request timeout) and the
 * results are written; a second signal only says so.
 */
export async function runApply(planned: Pick<PlannedImport, 'target' | 'plan' | 'sync'>, options: { concurrency: number; resultsDir: string; lockLost?: AbortSignal | undefined; run?: object; failedXlsx?: boolean }, io: Io): Promise<AppliedRun> {
  const err = colourFor(io.stderr, io.env);
  const target: Connection = planned.target;
  const ops = planned.plan?.operations ?? [];
  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppedBy) {
      io.stderr.write(`\n${err.yellow('still stopping:')} waiting for the writes in flight (each ends within its timeout), then the results are written\n`);
      return;
    }
    stoppedBy = signal;
    controller.abort();
    io.stderr.write(`\n${err.yellow('stopping:')} no new writes start; waiting for those in flight…\n`);
  };
  const disposeSignals = onStopSignals(io, onSignal);
  // The run's lock lost (another run may hold it now): like a stop, no new write starts — exit 6.
  let lockLost: string | undefined;
  const onLockLost = () => {
    if (lockLost !== undefined) return;
    lockLost = String(options.lockLost?.reason ?? 'the lock was lost');
    controller.abort();
    io.stderr.write(`\n${err.yellow('stopping:')} the lock on ${target.label} was lost: no new writes start; waiting for those in flight…\n`);
  };
  if (options.lockLost?.aborted) onLockLost();
  options.lockLost?.addEventListener('abort', onLockLost);
  const dispose = () => {
    disposeSignals();
    options.lockLost?.removeEventListener('abort', onLockLost);
  };
  const progress = await spinner(io);
  const live = drawsLive(io);
  const rate = new RecentRate();
  let lastTenth = 0;
  let lastLine = performance.now();
  const pacing = target.pacing;
  progress.start(`applying ${plural(ops.length, 'change')} to ${target.label}`);
  let report: ApplyReport;
  try {
    report = await applyImport(planned, {
      concurrency: options.concurrency,
      resultsDir: options.resultsDir,
      cwd: io.cwd,
      signal: controller.signal,
      ...(options.run ? { run: options.run } : {}),
      ...(options.failedXlsx ? { failedXlsx: true } : {}),
      onProgress: (done, total, failed) => {
        // Off a terminal: a line per tenth, and one at least every half minute (a paced run is slow) —
        // made only then (this runs once a write: thousands a second).
        const tenth = Math.floor((done / total) * 10);
        const now = performance.now();
        const due = !live && (tenth > lastTenth || now - lastLine >= PROGRESS_LINE_MS);
        rate.note(done);
        if (!live && !due) return;
        const perSecond = rate.perSecond(done);
        const left = secondsLeft(total - done, perSecond, pacing && { perSecond: pacing.perSecond, available: pacing.available() });
        const line = progressText({ done, total, failed, perSecond, secondsLeft: left, paced: (pacing?.waiting() ?? 0) > 0 });
        progress.text = `applying to ${target.label}: ${line}`;
        if (due) {
          lastTenth = tenth;
          lastLine = now;
          io.stderr.write(`${line}\n`);
        }
      },
    });
  } finally {
    progress.stop();
    dispose();
  }
  sayResultNotes(report, io);
  return { ...report, ...(stoppedBy ? { stoppedBy } : {}), ...(lockLost !== undefined ? { lockLost } : {}) };
}

/** What the results files could not keep as asked (a failed-rows file in UTF-8, not its input's encoding), one line each. */
export function sayResultNotes(report: Pick<ApplyReport, 'notes' | 'resultsDir'>, io: Io): void {
  const err = colourFor(io.stderr, io.env);
  for (const note of report.notes ?? []) io.stderr.write(`${err.yellow('note:')} ${printable(report.resultsDir, true)}/${note}\n`);
}

/** The exit code of an apply: 0, 4 (target failed), 5 (rows failed, skipped, unknown or left out), 6 (its lock was lost), 74 (its own output failed), 130 (143, 129). */
export function applyOutcome(result: AppliedRun, inputProblems: number, tolerated = 0): number {
  if (result.outputFailure) return ExitCode.output;
  if (result.targetFailure) return ExitCode.targetFailed;
  if (result.interrupted && result.lockLost !== undefined) return ExitCode.safetyStop;
  if (result.interrupted) return exitCodeForSignal(result.stoppedBy ?? 'SIGINT');
  if (result.failed || result.skipped || result.unknown || inputProblems > tolerated) return ExitCode.partialFailure;
  return ExitCode.ok;
}

/** "3 changes applied, 1 failed, 0 skipped, 1 row left out (invalid or conflicting)" */
export function appliedLine(result: Pick<ApplyReport, 'ok' | 'failed' | 'unknown' | 'skipped'>, inputProblems: number): string {
  const leftOut = inputProblems ? `, ${plural(inputProblems, 'row')} left out (invalid or conflicting)` : '';
  return `${plural(result.ok, 'change')} applied, ${plural(result.failed, 'failed', 'failed')}, ${result.unknown ? `${plural(result.unknown, 'unknown', 'unknown')}, ` : ''}${plural(result.skipped, 'skipped', 'skipped')}${leftOut}`;
}

/** How a stopped run names what stopped it. */
const STOPPED_BY: Partial<Record<NodeJS.Signals, string>> = { SIGINT: 'by Ctrl-C', SIGTERM: 'by SIGTERM', SIGHUP: 'the terminal closed' };

/**
 * The closing lines and the exit code of an apply; the closing line's mark and colour follow the code
 * (never a green ✔ with exit 5). `tolerated`: of the rows left out, the invalid ones --max-invalid accepts.
 */
export function applyExitCode(result: AppliedRun, inputProblems: number, io: Io, tolerated = 0): number {
  const err = colourFor(io.stderr, io.env);
  const code = applyOutcome(result, inputProblems, tolerated);
  const line = appliedLine(result, inputProblems);
  const where = result.resultsWritten ? `results in ${result.resultsDir}` : 'the results could not be written';
  // A run stopped by a signal says so in its one summary line, which --quiet keeps (it starts "stopped:").
  const stopped = result.interrupted && result.stoppedBy && result.lockLost === undefined ? `${err.yellow('stopped:')} ${STOPPED_BY[result.stoppedBy] ?? result.stoppedBy}, ` : undefined;
  const mark = stopped ? `${stopped}${line}` : code === ExitCode.ok ? err.green(`✔ ${line}`) : code === ExitCode.partialFailure ? err.yellow(`! ${line}`) : err.red(`✖ ${line}`);
  io.stderr.write(`${mark}; ${where}\n`);
  if (result.outputFailure) {
    io.stderr.write(`${err.red('error:')} ${printable(result.outputFailure.message)}; no new write started after that, those in flight finished\n`);
    // With no results file, this is the only record of what reached the target.
    if (!result.resultsWritten) {
      io.stderr.write(`what reached the target (no results file holds it):\n`);
      for (const r of result.results.filter((x) => x.status === 'ok'))
        io.stderr.write(`  applied ${r.op.action} ${r.op.entity} ${printable(r.op.key, true)}${r.id ? ` (id ${printable(r.id, true)})` : ''}${r.op.file ? ` (${printable(r.op.file, true)}:${r.op.line})` : ''}\n`);
    }
    io.stderr.write(`${err.dim('hint: free some space (or choose another --results folder) and run the import again: it reads the target first, so what was applied is found unchanged')}\n`);
    return code;
  }
  if (result.unknown)
    io.stderr.write(`${err.yellow('unknown:')} ${plural(result.unknown, 'write was', 'writes were')} sent without a clear outcome — no answer, a proxy's 502/503/504, or an answer that did not name the record (each says which in the results) — and not found afterwards: not sent again, as they may land late; run the import again to settle them (it reads the target first, so nothing is created twice)\n`);
  if (result.targetFailure) io.stderr.write(`${err.red('error:')} ${result.targetFailure.message}\n`);
  if (result.lockLost !== undefined)
    io.stderr.write(`${err.red('error:')} ${printable(result.lockLost, true)}; the writes not started were not sent (exit 6): run again once the other run has finished — it reads the target first\n`);
  if (code === ExitCode.partialFailure)
    for (const r of result.results.filter((x) => x.status === 'failed').slice(0, 10))
      io.stderr.write(`  ${err.red('failed')} ${r.op.action} ${r.op.entity} ${printable(r.op.key, true)}${r.op.file ? ` (${printable(r.op.file, true)}:${r.op.line})` : ''}: ${printable(r.error ?? '', true)}\n`);
  return code;
}

/**
 * What an apply did, as `--format json` and the HTML report show it: its counts, and a result for
 * every operation and every row left out.
 */
export function appliedSummary(planned: Pick<PlannedImport, 'plan' | 'inputProblems'> & Partial<Pick<PlannedImport, 'validation'>>, apply: AppliedRun, exitCode: number | undefined): AppliedSummary {
  return {
    exitCode, applied: apply.ok, failed: apply.failed, unknown: apply.unknown, skipped: apply.skipped, leftOut: planned.inputProblems,
    resultsDir: apply.resultsWritten ? apply.resultsDir : null,
    results: [
      ...apply.results.map((r) => ({ file: r.op.file ?? null, line: r.op.line ?? null, entity: r.op.entity, action: r.op.action, key: r.op.key, status: r.status, id: r.id ?? r.op.id ?? null, error: r.error ?? null })),
      // Rows that never became an operation, as results.csv has them: invalid or conflicting, with the first reason.
      ...leftOutOf(planned).map((r) => ({ file: r.file, line: r.line, entity: r.entity, action: null, key: r.key, status: r.status, id: null, error: r.error })),
    ],
  };
}

