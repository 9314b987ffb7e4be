import { resolve } from 'node:path';
import { applyImport, leftOutOf, planImport, pullSource, type PlannedImport } from '../../app/import-run.js';
import { sinceOf } from '../../app/bookmarks.js';
import { openTarget, type OpenedTarget } from '../../app/open-target.js';
import type { ApplyReport } from '../../core/apply/apply.js';
import type { MissingPolicy } from '../../core/plan/plan.js';
import type { Target } from '../../core/ports.js';
import { ExitCode, HrsyncError, StateUnavailable, UsageError, exitCodeForSignal, outputFailed } from '../../errors.js';
import { writeFileAtomic } from '../../shared/atomic-write.js';
import type { HeldLock } from '../../core/ports.js';
import { lockTarget, recordRun } from '../../app/state-store.js';
import { resultsFolder } from '../../app/results-folder.js';
import { asOf, matchKeys, maxMissing, notAnInput, positiveInt, seconds, since } from '../parse.js';
import { drawsLive, ratePerSecond, spinner } from '../progress.js';
import { printable } from '../printable.js';
import { renderPlanText } from '../render/plan.js';
import { renderReportHtml, type AppliedSummary } from '../render/report-html.js';
import { renderValidationText } from '../render/validation.js';
import { onStopSignals, colourFor, plural, type Io, openOptions, warner } from '../terminal.js';
import { inputOptions, writeReport, type ValidateFlags } from './validate.js';

/** Said under every summary of a run against the embedded sandbox, so it is never taken for a real one. */
export const EMBEDDED_PLANNED = 'planned against the embedded sandbox: nothing real was read or changed';
export const EMBEDDED_APPLIED = 'into the embedded sandbox: nothing real was changed';

export interface ImportFlags extends Omit<ValidateFlags, 'format' | 'maxErrors'> {
  format: 'text' | 'json';
  dryRun?: boolean;
  yes?: boolean;
  detailedExitcode?: boolean;
  out?: string;
  match?: string;
  missing: MissingPolicy;
  maxMissing: string;
  maxDeactivations?: string;
  asOf?: string;
  blank: 'ignore' | 'clear';
  strict?: boolean;
  only: string[];
  limit?: string;
  concurrency: string;
  results?: string;
  waitLock?: string;
  verbose?: boolean;
  from?: string;
  since?: string;
}

/**
 * `hrsync import`: validate, read the target, plan the smallest set of writes, show it, and — unless
 * --dry-run — apply it after confirmation. Exit codes: 0 done (or nothing to do), 2 changes planned
 * (--dry-run --detailed-exitcode), 3 invalid input (--strict, or rows skipped in a dry run),
 * 4 the target failed, 5 some rows failed or were skipped, 6 a safety limit, 64 usage, 130 Ctrl-C.
 */
export async function importCommand(files: string[], flags: ImportFlags, io: Io): Promise<number> {
  if (flags.from && files.length > 0) throw new UsageError('give input files, or --from SOURCE, not both');
  if (!flags.from && files.length === 0) throw new UsageError('give the files to import, or --from SOURCE to read a source', 'e.g. hrsync import users.csv');
  if (flags.since !== undefined && !flags.from) throw new UsageError('--since goes with --from');
  // --since last: from the bookmark of the last fully successful run (none yet: a full run).
  const sinceLast = flags.since === 'last';
  let sinceAt = sinceLast ? undefined : since(flags.since);
  /** Moves the bookmark once the run has fully succeeded (a dry run, a failure or a partial run do not). */
  let bookmark: (() => Promise<void>) | undefined;
  if (flags.results !== undefined) resultsFolder(flags.results, io.cwd); // a bad --results is said before anything starts
  notAnInput('--out', flags.out, files, io.cwd);
  notAnInput('--report', flags.report, files, io.cwd);
  const waitMs = seconds('--wait-lock', flags.waitLock);
  const concurrency = positiveInt('--concurrency', flags.concurrency) ?? 8;
  const limit = positiveInt('--limit', flags.limit);
  const missingLimit = maxMissing(flags.maxMissing);
  const deactivationLimit = flags.maxDeactivations === undefined ? undefined : maxMissing(flags.maxDeactivations, '--max-deactivations');
  asOf(flags.asOf, 'UTC', 0); // a bad --as-of is said before anything starts (its zone is the target's, known once it is opened)
  const match = matchKeys(flags.match);
  const { files: inputs, ...input } = await inputOptions(flags, io, files);
  files = inputs; // "-" is standard input, named <stdin>
  const err = colourFor(io.stderr, io.env);
  const out = colourFor(io.stdout, io.env);

  const opened = await openTarget(flags.target, { ...openOptions(io, flags.config), ...(flags.concurrency !== undefined ? { concurrency } : {}) });
  let lock: HeldLock | undefined;
  // What the run history keeps of a run that writes: its counts, filled in as the run goes.
  const counts: Record<string, number> = {};
  // The run's clock, read once: every date decision of the plan is made at it (or at --as-of).
  const startedAt = new Date();
  let code: number = ExitCode.internal;
  let stateDown = false;
  try {
    code = await run();
    return code;
  } catch (error) {
    code = error instanceof HrsyncError ? error.exitCode : ExitCode.internal;
    stateDown = error instanceof StateUnavailable;
    throw error;
  } finally {
    await lock?.release();
    // Every import that set out to write is kept in the run history, whatever its outcome — unless the
    // state store itself could not be reached (said already) or the target was never opened.
    if (!flags.dryRun && opened.target && !stateDown)
      await recordRun(opened.state, { command: 'import', target: opened.target, startedAt, ...(flags.from ? { source: flags.from } : {}), counts, exitCode: code }, warner(io));
    await opened.close();
  }

  async function run(): Promise<number> {
    const resultsDir = resultsFolder(flags.results, io.cwd, opened.home);
    if (opened.target && !opened.target.writer) throw new UsageError(`${opened.target.label} is read-only: import into a platform, and read from it with --from`);
    if (opened.note) io.stderr.write(`${err.dim(opened.note)}\n`);
    // Writing to a real target without a terminal to confirm on takes --yes; the embedded sandbox is
    // a throwaway emulation, so there the plan is shown and applied (on a terminal it still asks).
    if (opened.target && !flags.dryRun && !flags.yes && !io.stdinIsTTY && !opened.embedded)
      throw new UsageError(`import changes ${opened.target.label}: without a terminal to confirm on, pass --yes to apply or --dry-run to only plan`);
    // One run writing to a target at a time, from planning to the last write (a dry run writes nothing).
    if (!flags.dryRun) lock = await lockTarget(opened, `import into ${opened.target?.label}`, { ...(waitMs ? { waitMs } : {}), onLost: warner(io), warn: warner(io) });
    if (flags.from) {
      const pulled = await pull(flags.from, flags, sinceLast ? { last: opened } : { at: sinceAt }, resultsDir, io);
      files = [pulled.path];
      counts.read = pulled.rows;
      sinceAt = pulled.since;
      bookmark = pulled.save;
      // An incremental read that found nothing: nothing changed, which is success (a quiet night is no alert).
      if (pulled.rows === 0 && sinceAt) {
        io.stderr.write(`${err.green('✔')} nothing changed in ${flags.from} since ${sinceAt}: nothing to plan\n`);
        if (!flags.dryRun) await bookmark?.();
        return ExitCode.ok;
      }
    }

    const planned = await planImport(opened, files, {
      ...input,
      cwd: io.cwd,
      strict: Boolean(flags.strict),
      maxMissingText: flags.maxMissing,
      asOf: asOf(flags.asOf, opened.calendar?.timeZone ?? 'UTC', startedAt.getTime()),
      ...(deactivationLimit ? { maxDeactivationsText: flags.maxDeactivations } : {}),
      plan: {
        ...(match ? { match } : {}),
        missing: flags.missing,
        maxMissing: missingLimit,
        ...(deactivationLimit ? { maxDeactivations: deactivationLimit } : {}),
        blank: flags.blank,
        ...(flags.only.length ? { only: flags.only } : {}),
        ...(limit ? { limit } : {}),
        ...(sinceAt ? { incremental: true } : {}),
      },
    });
    if (planned.validation.issues.length && flags.format === 'text') io.stderr.write(await renderValidationText(planned.validation, err, Boolean(flags.verbose)));
    // --report: the same run as one HTML page, written last (a failure to write it is exit 74).
    const report = async (outcome: string, code: number, apply?: AppliedRun): Promise<number> => {
      if (!flags.report) return code;
      const notes = opened.embedded ? [apply ? EMBEDDED_APPLIED : EMBEDDED_PLANNED] : [];
      const applied = apply ? appliedSummary(planned, apply, code) : undefined;
      await writeReport(flags.report, renderReportHtml({ command: 'import', outcome, exitCode: code, at: new Date().toISOString(), notes, validation: planned.validation, plan: planned.plan, applied, ...(flags.verbose ? { limit: Infinity } : {}) }), io);
      return code;
    };
    const plan = planned.plan;
    if (plan) Object.assign(counts, plan.summary);
    if (!plan) {
      io.stderr.write(`${err.red('--strict:')} the input has invalid rows; nothing was planned or written\n`);
      return report('--strict: the input has invalid rows; nothing was planned or written', ExitCode.invalidInput);
    }
    if (flags.out) await writeFileAtomic(resolve(io.cwd, flags.out), await (await import('../../app/apply-saved-plan.js')).savedPlanText(plan, opened.state)).catch((error: unknown) => Promise.reject(outputFailed('the plan', flags.out!, error)));
    // JSON: one document at the end — the plan, the validation issues and, after an apply, its results.
    const json = flags.format === 'json';
    const emit = (apply?: AppliedRun, code?: number) => {
      if (json) io.stdout.write(`${JSON.stringify(importJson(planned, apply, code), null, 2)}\n`);
    };
    if (!json) io.stdout.write(renderPlanText(plan, out, Boolean(flags.verbose)));
    const changes = plan.operations.length;

    if (flags.dryRun) {
      emit();
      if (opened.embedded) io.stderr.write(`${err.dim(EMBEDDED_PLANNED)}\n`);
      return report('dry run: nothing was written', planned.inputProblems ? ExitCode.invalidInput : flags.detailedExitcode && changes ? ExitCode.changes : ExitCode.ok);
    }
    if (changes === 0) {
      if (opened.embedded) io.stderr.write(`${err.dim(EMBEDDED_PLANNED)}\n`);
      if (!planned.inputProblems) {
        emit();
        await bookmark?.();
        return report('nothing to do: the target already holds what the input says', ExitCode.ok);
      }
      // Nothing to write, but rows were left out: their results and failed.csv, and the input is the problem.
      const result = await applyImport(planned, { concurrency, resultsDir, cwd: io.cwd });
      if (result.outputFailure) throw result.outputFailure;
      emit(result, ExitCode.invalidInput);
      io.stderr.write(`${err.yellow(`nothing to apply; ${plural(planned.inputProblems, 'row')} left out`)}; results in ${result.resultsDir}\n`);
      return report(`nothing to apply; ${plural(planned.inputProblems, 'row')} left out`, ExitCode.invalidInput, result);
    }
    if (!flags.yes && io.stdinIsTTY && !/^y(es)?$/i.test((await io.ask(`Apply ${plural(changes, 'change')} to ${planned.target.label}? [y/N] `)).trim())) {
      io.stderr.write('nothing was written\n');
      emit();
      return report('not applied (the answer was no): nothing was written', ExitCode.ok);
    }
    const result = await runApply(planned, { concurrency, resultsDir, lockLost: lock?.lost }, io);
    Object.assign(counts, appliedCounts(result));
    const code = applyExitCode(result, planned.inputProblems, io);
    emit(result, code);
    if (code === ExitCode.ok) await bookmark?.();
    if (opened.embedded) io.stderr.write(`${err.dim(EMBEDDED_APPLIED)}\n`);
    return report(`${appliedLine(result, planned.inputProblems)}${result.stoppedBy ? ` (stopped by ${result.stoppedBy})` : result.lockLost !== undefined ? ' (stopped: the lock was lost)' : ''}`, code, result);
  }
}

/** What the run history keeps of an apply: how many writes were applied, failed, unknown or not sent. */
export function appliedCounts(result: Pick<ApplyReport, 'ok' | 'failed' | 'unknown' | 'skipped'>): Record<string, number> {
  return { applied: result.ok, failed: result.failed, unknown: result.unknown, notSent: result.skipped };
}

/**
 * --from: reads the source into the run's folder, and says how much was read. With `last`, from the
 * bookmark of the last fully successful run into that target (none: everything), and `save` moves the
 * bookmark to when this read started.
 */
async function pull(
  name: string, flags: ImportFlags, since: { at?: string | undefined; last?: OpenedTarget }, resultsDir: string, io: Io,
): Promise<{ path: string; rows: number; since: string | undefined; save?: () => Promise<void> }> {
  const source = await openTarget(name, openOptions(io, flags.config));
  try {
    const c = colourFor(io.stderr, io.env);
    const warn = warner(io);
    const into = since.last?.target;
    const bookmarks = since.last?.state;
    const key = into && source.target ? `import ${source.target.identity} → ${into.identity}` : undefined;
    const previous = bookmarks && key ? await bookmarks.bookmark(key) : undefined;
    const sinceAt = since.last ? sinceOf(previous) : since.at;
    if (since.last && !previous) io.stderr.write(`${c.dim(`--since last: no bookmark yet for ${name} into ${into?.label ?? 'this target'}: a full run`)}\n`);
    const startedAt = new Date().toISOString();
    const { path, report } = await pullSource(source, name, { ...(sinceAt ? { since: sinceAt } : {}), resultsDir, cwd: io.cwd, onNotice: warn });
    io.stderr.write(`${c.dim(`read ${plural(report.rows, 'user')} from ${report.target}${sinceAt ? ` changed since ${sinceAt}` : ''} (${path})`)}\n`);
    const save = bookmarks && key && into ? () => bookmarks.setBookmark({ key, source: name, target: into.name, entity: 'users', at: startedAt }) : undefined;
    return { path, rows: report.rows, since: sinceAt, ...(save ? { save } : {}) };
  } finally {
    await source.close();
  }
}

/**
 * `import --format json`: the plan, the validation's summary and issues (the rows left out, and why),
 * and — after an apply — what happened to every operation and row.
 */
export function importJson(planned: PlannedImport, apply?: AppliedRun, exitCode?: number): Record<string, unknown> {
  const { validation } = planned;
  const issues = validation.issues.map(({ file, line, entity, field, value, code, message, severity, hint }) => ({ file, line, entity, field, value, code, message, severity, hint }));
  return {
    ...planned.plan,
    validation: { ok: validation.ok, summary: validation.summary, issues, truncated: validation.truncated },
    ...(apply ? { apply: appliedSummary(planned, apply, exitCode) } : {}),
  };
}

/**
 * What an apply did, as `--format json` and the HTML report show it: its counts, and a result for
 * every operation and every row left out.
 */
export function appliedSummary(planned: Pick<PlannedImport, 'plan' | 'validation' | 'inputProblems'>, apply: AppliedRun, exitCode: number | undefined): AppliedSummary {
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

/** An apply's report, and the signal that stopped it early, if one did — or the loss of its lock (why, in words). */
export type AppliedRun = ApplyReport & { stoppedBy?: NodeJS.Signals; lockLost?: string };

/**
 * Applies with progress (a spinner on a terminal, a line per tenth otherwise). Ctrl-C, SIGTERM or
 * SIGHUP stop new writes; those in flight finish (each is bounded by the request timeout) and the
 * results are written; a second signal only says so.
 */
export async function runApply(planned: Pick<PlannedImport, 'target' | 'plan' | 'sync'>, options: { concurrency: number; resultsDir: string; lockLost?: AbortSignal | undefined }, io: Io): Promise<AppliedRun> {
  const err = colourFor(io.stderr, io.env);
  const target: Target = planned.target;
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
  const started = performance.now();
  let lastTenth = 0;
  progress.start(`applying ${plural(ops.length, 'change')} to ${target.label}`);
  try {
    const report = await applyImport(planned, {
      concurrency: options.concurrency,
      resultsDir: options.resultsDir,
      cwd: io.cwd,
      signal: controller.signal,
      onProgress: (done, total, failed) => {
        progress.text = `applying to ${target.label}: ${done}/${total} done, ${failed} failed, ${ratePerSecond(done, started).toFixed(1)}/s`;
        const tenth = Math.floor((done / total) * 10);
        if (!live && tenth > lastTenth) {
          lastTenth = tenth;
          io.stderr.write(`${done}/${total} done, ${failed} failed\n`);
        }
      },
    });
    return { ...report, ...(stoppedBy ? { stoppedBy } : {}), ...(lockLost !== undefined ? { lockLost } : {}) };
  } finally {
    progress.stop();
    dispose();
  }
}

/** The exit code of an apply: 0, 4 (target failed), 5 (rows failed, skipped, unknown or left out), 6 (its lock was lost), 74 (its own output failed), 130 (143, 129). */
export function applyOutcome(result: AppliedRun, inputProblems: number): number {
  if (result.outputFailure) return ExitCode.output;
  if (result.targetFailure) return ExitCode.targetFailed;
  if (result.interrupted && result.lockLost !== undefined) return ExitCode.safetyStop;
  if (result.interrupted) return exitCodeForSignal(result.stoppedBy ?? 'SIGINT');
  if (result.failed || result.skipped || result.unknown || inputProblems) return ExitCode.partialFailure;
  return ExitCode.ok;
}

/** "3 changes applied, 1 failed, 0 skipped, 1 row left out (invalid or conflicting)" */
export function appliedLine(result: Pick<ApplyReport, 'ok' | 'failed' | 'unknown' | 'skipped'>, inputProblems: number): string {
  const leftOut = inputProblems ? `, ${plural(inputProblems, 'row')} left out (invalid or conflicting)` : '';
  return `${plural(result.ok, 'change')} applied, ${plural(result.failed, 'failed', 'failed')}, ${result.unknown ? `${plural(result.unknown, 'unknown', 'unknown')}, ` : ''}${plural(result.skipped, 'skipped', 'skipped')}${leftOut}`;
}

/** The closing lines and the exit code of an apply; the closing line's mark and colour follow the code (never a green ✔ with exit 5). */
export function applyExitCode(result: AppliedRun, inputProblems: number, io: Io): number {
  const err = colourFor(io.stderr, io.env);
  const code = applyOutcome(result, inputProblems);
  const line = appliedLine(result, inputProblems);
  const where = result.resultsWritten ? `results in ${result.resultsDir}` : 'the results could not be written';
  const mark = code === ExitCode.ok ? err.green(`✔ ${line}`) : code === ExitCode.partialFailure ? err.yellow(`! ${line}`) : err.red(`✖ ${line}`);
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
