import { resolve } from 'node:path';
import { sinceOf, sinceWords } from '../../app/bookmarks.js';
import { applyImport, planImport, pullSource, type PlannedImport } from '../../app/import-run.js';
import { openTarget, type OpenedTarget } from '../../app/open-target.js';
import { resultsFolder } from '../../app/results-folder.js';
import { appliedCounts, runFile, writeRun, type WriteRun } from '../../app/write-run.js';
import { ExitCode, Interrupted, UsageError, outputFailed } from '../../errors.js';
import { writeFileAtomic } from '../../shared/atomic-write.js';
import { appliedLine, applyExitCode, appliedSummary, confirmApply, EMBEDDED_APPLIED, EMBEDDED_PLANNED, runApply, sayResultNotes, type AppliedRun } from '../apply-output.js';
import { inputOptions } from '../input-flags.js';
import type { ImportFlags } from '../options.js';
import { asOf, matchKeys, maxInvalid, maxMissing, toleranceOf, modes, notAnInput, positiveInt, seconds, since, where } from '../parse.js';
import { planDocument } from '../render/notes.js';
import { renderPlanText } from '../render/plan.js';
import { toleranceLine } from '../render/tolerance.js';
import { pacedNote } from '../render/pacing.js';
import type { Tolerance } from '../../core/validate/tolerance.js';
import { readFailedRows } from '../../app/failed-rows.js';
import { renderReportHtml, REPORT_LIMIT } from '../render/report-html.js';
import { hintText, Places, renderValidationText } from '../render/validation.js';
import { writeReport } from '../report-file.js';
import { colourFor, onStopSignals, plural, type Io, openOptions, warner } from '../terminal.js';

/**
 * `hrsync import`: validate, read the target, plan the smallest set of writes, show it, and — unless
 * --dry-run — apply it after confirmation. Exit codes: 0 done (or nothing to do), 2 changes planned
 * (--dry-run --detailed-exitcode), 3 invalid input (--strict, or rows skipped in a dry run),
 * 4 the target failed, 5 some rows failed or were skipped, 6 a safety limit, 64 usage, 130 Ctrl-C.
 */
export async function importCommand(files: string[], flags: ImportFlags, io: Io): Promise<number> {
  const parsed = parseImportFlags(files, flags, io);
  const { files: inputs, ...input } = await inputOptions(flags, io, files);
  // Aborted only by a signal while reading and planning (see importRun); the apply stops its own way (runApply).
  const planStop = new AbortController();
  const options: ImportRunOptions = { flags, io, input, files: inputs, planStop, ...parsed }; // "-" is standard input, named <stdin>
  return writeRun(
    () => openTarget(flags.target, { ...openOptions(io, flags.config), signal: planStop.signal, ...(flags.concurrency !== undefined ? { concurrency: parsed.concurrency } : {}) }),
    {
      command: 'import',
      record: !flags.dryRun,
      source: flags.from,
      warn: warner(io),
      // One run writing to a target at a time, from planning to the last write (a dry run writes nothing).
      ...(flags.dryRun ? {} : { lock: { what: (opened: OpenedTarget) => `import into ${opened.target?.label}`, waitMs: parsed.waitMs } }),
      prepare: (opened) => beforeLock(opened, flags, io),
    },
    (run, resultsDir) => importRun(run, resultsDir, options),
  );
}

/** What import reads from its flags before anything opens; every mistake is a usage error (exit 64). */
function parseImportFlags(files: string[], flags: ImportFlags, io: Io) {
  if (flags.from && files.length > 0) throw new UsageError('give input files, or --from SOURCE, not both');
  if (!flags.from && files.length === 0) throw new UsageError('give the files to import, or --from SOURCE to read a source', 'e.g. hrsync import users.csv');
  if (flags.since !== undefined && !flags.from) throw new UsageError('--since goes with --from');
  // --since last: from the bookmark of the last fully successful run (none yet: a full run).
  const sinceLast = flags.since === 'last';
  const sinceAt = sinceLast ? undefined : since(flags.since);
  if (flags.results !== undefined) resultsFolder(flags.results, io.cwd); // a bad --results is said before anything starts
  notAnInput('--out', flags.out, files, io.cwd);
  notAnInput('--report', flags.report, files, io.cwd);
  const waitMs = seconds('--wait-lock', flags.waitLock);
  const concurrency = positiveInt('--concurrency', flags.concurrency) ?? 8;
  const limit = positiveInt('--limit', flags.limit);
  const missingLimit = maxMissing(flags.maxMissing);
  const deactivationLimit = flags.maxDeactivations === undefined ? undefined : maxMissing(flags.maxDeactivations, '--max-deactivations');
  // The run's clock, read once: every date decision of the plan is made at it, or at --as-of (checked
  // here; read in the target's time zone once it is open).
  const clock = Date.now();
  asOf(flags.asOf, 'UTC', clock);
  const match = matchKeys(flags.match);
  if (flags.strict && flags.maxInvalid !== undefined) throw new UsageError('give --strict or --max-invalid, not both', '--strict is --max-invalid 0');
  maxInvalid(flags.maxInvalid); // a bad value is said before anything starts; the config's is read once the target is open
  const policy = { where: where(flags.where), modes: modes(flags.mode) };
  return { sinceLast, sinceAt, waitMs, concurrency, limit, missingLimit, deactivationLimit, clock, match, policy };
}

type ImportRunOptions = ReturnType<typeof parseImportFlags> & { flags: ImportFlags; io: Io; input: Omit<Awaited<ReturnType<typeof inputOptions>>, 'files'>; files: string[]; planStop: AbortController };

/** What is checked once the target is open, before it is locked; the run's results folder. */
function beforeLock(opened: OpenedTarget, flags: ImportFlags, io: Io): string {
  const resultsDir = resultsFolder(flags.results, io.cwd, opened.home);
  if (opened.target && !opened.target.writer) throw new UsageError(`${opened.target.label} is read-only: import into a platform, and read from it with --from`);
  if (opened.note) io.stderr.write(`${colourFor(io.stderr, io.env).dim(opened.note)}\n`);
  // Writing to a real target without a terminal to confirm on takes --yes; the embedded sandbox is
  // a throwaway emulation, so there the plan is shown and applied (on a terminal it still asks).
  if (opened.target && !flags.dryRun && !flags.yes && !io.stdinIsTTY && !opened.embedded)
    throw new UsageError(`import changes ${opened.target.label}: without a terminal to confirm on, pass --yes to apply or --dry-run to only plan`);
  return resultsDir;
}

/** The import inside its run: read (--from), plan, show, and apply. */
async function importRun(run: WriteRun, resultsDir: string, options: ImportRunOptions): Promise<number> {
  // Ctrl-C (SIGTERM, a hangup) while reading and planning: the reads stop (the connections were opened
  // with this signal; the validation stops at its next rows) and the run says so — nothing was written.
  const stop = options.planStop;
  const dispose = onStopSignals(options.io, (signal) => stop.abort(signal));
  let planned: Awaited<ReturnType<typeof planRun>>;
  try {
    planned = await planRun(run, resultsDir, { ...options, input: { ...options.input, onRows: () => stop.signal.throwIfAborted() } });
  } catch (error) {
    if (!stop.signal.aborted) throw error;
    throw new Interrupted('interrupted while reading and planning: nothing was written', stop.signal.reason as NodeJS.Signals);
  } finally {
    dispose();
  }
  return typeof planned === 'number' ? planned : afterPlan(planned);
}

/** Reads (--from) and plans; a number when the run ends there (an incremental read that found nothing). */
async function planRun(run: WriteRun, resultsDir: string, options: ImportRunOptions): Promise<Planned | number> {
  const { flags, io, opened } = { ...options, opened: run.opened };
  let files = options.files;
  let sinceAt = options.sinceAt;
  /** Moves the bookmark once the run has fully succeeded (a dry run, a failure or a partial run do not). */
  let bookmark: (() => Promise<void>) | undefined;
  if (flags.from) {
    const pulled = await pull(flags.from, flags, options.sinceLast ? { last: opened } : { at: sinceAt }, resultsDir, io, options.planStop.signal);
    files = [pulled.path];
    run.counts.read = pulled.rows;
    sinceAt = pulled.since;
    bookmark = pulled.save;
    // An incremental read that found nothing: nothing changed, which is success (a quiet night is no alert).
    if (pulled.rows === 0 && sinceAt) {
      io.stderr.write(`${colourFor(io.stderr, io.env).green('✔')} nothing changed in ${flags.from} since ${sinceAt}: nothing to plan\n`);
      if (!flags.dryRun) await bookmark?.();
      return ExitCode.ok;
    }
  }
  const tolerance = toleranceOf(flags.maxInvalid, Boolean(flags.strict), opened.calendar?.maxInvalid);
  const planned = await planImport(opened, files, {
    ...options.input,
    cwd: io.cwd,
    strict: Boolean(flags.strict),
    ...(tolerance ? { maxInvalid: tolerance.limit } : {}),
    maxMissingText: flags.maxMissing,
    asOf: asOf(flags.asOf, opened.calendar?.timeZone ?? 'UTC', options.clock),
    ...(options.deactivationLimit ? { maxDeactivationsText: flags.maxDeactivations } : {}),
    ...(options.policy.where ? { where: options.policy.where } : {}),
    ...(options.policy.modes ? { modes: options.policy.modes } : {}),
    plan: {
      ...(options.match ? { match: options.match } : {}),
      missing: flags.missing,
      maxMissing: options.missingLimit,
      ...(options.deactivationLimit ? { maxDeactivations: options.deactivationLimit } : {}),
      blank: flags.blank,
      ...(flags.only.length ? { only: flags.only } : {}),
      ...(options.limit ? { limit: options.limit } : {}),
      ...(sinceAt ? { incremental: true } : {}),
    },
  });
  if (planned.validation.issues.length && flags.format === 'text') io.stderr.write(await renderValidationText(planned.validation, colourFor(io.stderr, io.env), Boolean(flags.verbose)));
  if (planned.plan) Object.assign(run.counts, planned.plan.summary);
  return { ...options, run, resultsDir, planned, ...(bookmark ? { bookmark } : {}), ...(tolerance ? { tolerance } : {}) };
}

interface Planned extends ImportRunOptions {
  run: WriteRun;
  resultsDir: string;
  planned: PlannedImport;
  bookmark?: () => Promise<void>;
  /** The invalid rows the run accepts (--max-invalid, or the config's maxInvalid), and how it was given. */
  tolerance?: { limit: Tolerance; said: string };
}

/** What import says of a run, on stdout (--format json) and in --report; each returns the exit code it is given. */
function importOutputs({ flags, io, run, planned, input }: Planned) {
  return {
    /** --report: the same run as one HTML page, written last (a failure to write it is exit 74). */
    async report(outcome: string, code: number, apply?: AppliedRun): Promise<number> {
      if (!flags.report) return code;
      const notes = run.opened.embedded ? [apply ? EMBEDDED_APPLIED : EMBEDDED_PLANNED] : [];
      const applied = apply ? appliedSummary(planned, apply, code) : undefined;
      const { validation } = planned;
      const failed = validation.issues.length ? await readFailedRows(validation.files, validation.issues, { ...input, limit: flags.verbose ? Infinity : REPORT_LIMIT }) : undefined;
      await writeReport(flags.report, renderReportHtml({ command: 'import', outcome, exitCode: code, at: new Date().toISOString(), notes, validation, plan: planned.plan, applied, ...(failed ? { failed } : {}), ...(flags.verbose ? { limit: Infinity } : {}) }), io);
      return code;
    },
    /** JSON: one document at the end — the plan, the validation issues and, after an apply, its results. */
    emit(apply?: AppliedRun, code?: number): void {
      if (flags.format === 'json') io.stdout.write(`${JSON.stringify(importJson(planned, apply, code), null, 2)}\n`);
    },
  };
}

/** Once planned: show the plan, then stop (--strict, --dry-run, nothing to do, a "no") or apply it. */
async function afterPlan(context: Planned): Promise<number> {
  const { flags, io, run, planned } = context;
  const { report, emit } = importOutputs(context);
  const err = colourFor(io.stderr, io.env);
  const plan = planned.plan;
  if (!plan) {
    if (context.tolerance) {
      io.stderr.write(`${toleranceLine(planned.validation, context.tolerance.limit, context.tolerance.said, err)}; nothing was planned or written\n`);
      return report(`${context.tolerance.said}: too many invalid rows; nothing was planned or written`, ExitCode.invalidInput);
    }
    io.stderr.write(`${err.red('--strict:')} the input has invalid rows; nothing was planned or written\n`);
    return report('--strict: the input has invalid rows; nothing was planned or written', ExitCode.invalidInput);
  }
  if (context.tolerance && planned.tolerated) io.stderr.write(`${toleranceLine(planned.validation, context.tolerance.limit, context.tolerance.said, err)}\n`);
  // What counts against the exit code: rows left out, less the invalid ones --max-invalid accepts.
  const problems = planned.inputProblems - planned.tolerated;
  if (flags.out) await writeFileAtomic(resolve(io.cwd, flags.out), await (await import('../../app/apply-saved-plan.js')).savedPlanText(planDocument(plan), run.opened.state)).catch((error: unknown) => Promise.reject(outputFailed('the plan', flags.out!, error)));
  const changes = plan.operations.length;
  if (flags.format !== 'json') io.stdout.write(renderPlanText(plan, colourFor(io.stdout, io.env), Boolean(flags.verbose)) + pacedNote(changes, planned.target.pacing, colourFor(io.stdout, io.env)));
  if (flags.dryRun) {
    emit();
    if (run.opened.embedded) io.stderr.write(`${err.dim(EMBEDDED_PLANNED)}\n`);
    return report('dry run: nothing was written', problems ? ExitCode.invalidInput : flags.detailedExitcode && changes ? ExitCode.changes : ExitCode.ok);
  }
  if (changes === 0) return nothingToApply(context);
  if (!(await confirmApply(io, plan, planned.target.label, flags.yes))) {
    io.stderr.write('nothing was written\n');
    emit();
    return report('not applied (the answer was no): nothing was written', ExitCode.ok);
  }
  run.results = resolve(io.cwd, context.resultsDir);
  const result = await runApply(planned, { concurrency: context.concurrency, resultsDir: context.resultsDir, lockLost: run.lock?.lost, run: runFile(run, 'import', planned.target), ...(flags.failedXlsx ? { failedXlsx: true } : {}) }, io);
  Object.assign(run.counts, appliedCounts(result));
  const code = applyExitCode(result, planned.inputProblems, io, planned.tolerated);
  emit(result, code);
  if (code === ExitCode.ok) await context.bookmark?.();
  if (run.opened.embedded) io.stderr.write(`${err.dim(EMBEDDED_APPLIED)}\n`);
  return report(`${appliedLine(result, planned.inputProblems)}${result.stoppedBy ? ` (stopped by ${result.stoppedBy})` : result.lockLost !== undefined ? ' (stopped: the lock was lost)' : ''}`, code, result);
}

/** A plan with no change: success — unless rows were left out, whose results and failed.csv are written (exit 3; 0 when --max-invalid accepts them all). */
async function nothingToApply(context: Planned): Promise<number> {
  const { io, run, planned } = context;
  const { report, emit } = importOutputs(context);
  const err = colourFor(io.stderr, io.env);
  if (run.opened.embedded) io.stderr.write(`${err.dim(EMBEDDED_PLANNED)}\n`);
  if (!planned.inputProblems) {
    emit();
    await context.bookmark?.();
    return report('nothing to do: the target already holds what the input says', ExitCode.ok);
  }
  const result = await applyImport(planned, { concurrency: context.concurrency, resultsDir: context.resultsDir, cwd: io.cwd, ...(context.flags.failedXlsx ? { failedXlsx: true } : {}) });
  if (result.outputFailure) throw result.outputFailure;
  sayResultNotes(result, io);
  // Only rows --max-invalid accepts left out: success, their results and failed.csv written all the same.
  const code = planned.inputProblems > planned.tolerated ? ExitCode.invalidInput : ExitCode.ok;
  emit(result, code);
  if (code === ExitCode.ok) await context.bookmark?.();
  io.stderr.write(`${err.yellow(`nothing to apply; ${plural(planned.inputProblems, 'row')} left out`)}; results in ${result.resultsDir}\n`);
  return report(`nothing to apply; ${plural(planned.inputProblems, 'row')} left out`, code, result);
}

/**
 * --from: reads the source into the run's folder, and says how much was read. With `last`, from the
 * bookmark of the last fully successful run into that target (none: everything), and `save` moves the
 * bookmark to when this read started.
 */
async function pull(
  name: string, flags: ImportFlags, since: { at?: string | undefined; last?: OpenedTarget }, resultsDir: string, io: Io, signal: AbortSignal,
): Promise<{ path: string; rows: number; since: string | undefined; save?: () => Promise<void> }> {
  const source = await openTarget(name, { ...openOptions(io, flags.config), signal });
  try {
    const c = colourFor(io.stderr, io.env);
    const warn = warner(io);
    const into = since.last?.target;
    const bookmarks = since.last?.state;
    const key = into && source.target ? `import ${source.target.identity} → ${into.identity}` : undefined;
    const previous = bookmarks && key ? await bookmarks.bookmark(key) : undefined;
    const sinceAt = since.last ? sinceOf(previous) : since.at;
    if (since.last && previous) io.stderr.write(`${c.dim(sinceWords(previous, `${name}'s users for ${into?.label ?? 'this target'}`))}\n`);
    if (since.last && !previous) io.stderr.write(`${c.dim(`--since last: no bookmark yet for ${name} into ${into?.label ?? 'this target'}: a full run`)}\n`);
    const startedAt = new Date().toISOString();
    const { path, report } = await pullSource(source, name, { ...(sinceAt ? { since: sinceAt } : {}), resultsDir, cwd: io.cwd, onNotice: warn });
    io.stderr.write(`${c.dim(`read ${plural(report.rows, 'user')} from ${report.from}${sinceAt ? ` changed since ${sinceAt}` : ''} (${path})`)}\n`);
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
  const places = new Places(validation.files);
  const issues = validation.issues.map(({ file, line, entity, field, value, code, message, severity, hint }) => ({ file, line, entity, field, value, code, message, severity, hint: hintText(hint), ...places.of(file, line, field, value) }));
  return {
    ...(planned.plan && planDocument(planned.plan)),
    validation: { ok: validation.ok, summary: validation.summary, issues, truncated: validation.truncated },
    ...(apply ? { apply: appliedSummary(planned, apply, exitCode) } : {}),
  };
}
