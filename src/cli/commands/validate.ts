import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { runValidationToLog } from '../../app/validate-run.js';
import { openTarget } from '../../app/open-target.js';
import type { IssueLog } from '../../core/validate/issue-log.js';
import type { ValidationReport } from '../../core/validate/validate-files.js';
import { ExitCode, Interrupted } from '../../errors.js';
import { inputOptions } from '../input-flags.js';
import type { ValidateFlags } from '../options.js';
import { maxInvalid, notAnInput, toleranceOf } from '../parse.js';
import { toleranceLine } from '../render/tolerance.js';
import { withinTolerance, type Tolerance } from '../../core/validate/tolerance.js';
import { writeReport } from '../report-file.js';
import { printable } from '../printable.js';
import { digestIssues, Places, renderValidationText, SHOWN_PER_CODE, writeValidationGithub, writeValidationJson } from '../render/validation.js';
import { drawsLive, ratePerSecond, spinner } from '../progress.js';
import { colourFor, formatCount, onStopSignals, plural, type Io, openOptions } from '../terminal.js';

/** Validates the files; the report's issues are in a log, read back as they are written out: close it. */
export async function runValidate(args: string[], flags: ValidateFlags, io: Io, stopSignal: AbortSignal): Promise<ValidationReport<IssueLog> & { tolerance?: { limit: Tolerance; said: string } }> {
  const { files, ...read } = await inputOptions(flags, io, args);
  // Text shows the first few issues of each kind and counts the rest: only those are kept.
  const counted = flags.format === 'text' && !flags.verbose && !flags.annotate && !flags.report;
  const logged = counted ? { ...read, log: { first: SHOWN_PER_CODE } } : read;
  // validate never starts the embedded sandbox, and writes no file: without a target, rules only.
  const opened = await openTarget(flags.target, { ...openOptions(io, flags.config), offline: true });
  const tolerance = toleranceOf(flags.maxInvalid, false, opened.calendar?.maxInvalid);
  // --max-invalid counts the rows with an error (not the errors: a row may have several).
  const options = tolerance ? { ...logged, countInvalid: true } : logged;
  const progress = await validationProgress(files, io);
  const stop = stopOnSignal(stopSignal);
  try {
    if (opened.note) io.stderr.write(`${colourFor(io.stderr, io.env).dim(opened.note)}\n`);
    const onRows = (rows: number) => {
      stop.check(rows);
      progress.hooks.onRows?.(rows);
    };
    const validation = runValidationToLog(opened, files, { ...options, ...progress.hooks, onRows, read: { ...options.read, ...progress.hooks.read } });
    const report = await Promise.race([validation, stop.stopped.catch(async (error: unknown) => {
      // Stopped: the check ends at its next rows (check throws), and a report that still comes is closed.
      validation.then((report) => report.issues.close(), () => undefined);
      throw error;
    })]);
    return tolerance ? { ...report, tolerance } : report;
  } finally {
    stop.dispose();
    progress.stop();
    await opened.close();
  }
}

/**
 * Ctrl-C (SIGTERM, SIGHUP) during a validation — `signal` aborted with its name, by the command's
 * listener, which is there from the start — stops it at once with "stopped: validation interrupted
 * after N rows …" and exit 130 (143, 129): `stopped` rejects, and the check itself ends at its next
 * rows (`check` throws there).
 */
function stopOnSignal(signal: AbortSignal): { stopped: Promise<never>; check(rows: number): void; dispose(): void } {
  let rowsRead = 0;
  let reject: (error: Interrupted) => void = () => {};
  const stopped = new Promise<never>((_, no) => (reject = no));
  stopped.catch(() => undefined); // rejected only on a signal, and then awaited
  const interrupted = () => new Interrupted(`validation interrupted after ${plural(rowsRead, 'row')}: the rest was not checked`, signal.reason as NodeJS.Signals);
  const onAbort = () => reject(interrupted());
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return {
    stopped,
    check(rows) {
      rowsRead = rows;
      if (signal.aborted) throw interrupted();
    },
    dispose: () => signal.removeEventListener('abort', onAbort),
  };
}

/**
 * On a terminal, a spinner with the rows read, rows per second and the share of the files' bytes read
 * (redrawn at most ten times a second); elsewhere nothing at all.
 */
async function validationProgress(files: string[], io: Io): Promise<{ hooks: { onRows?: (rows: number) => void; read: { onRead?: (bytes: number) => void } }; stop(): void }> {
  if (!drawsLive(io)) return { hooks: { read: {} }, stop: () => {} };
  const total = files.reduce((sum, f) => sum + (statSafe(resolve(io.cwd, f)) ?? 0), 0);
  const started = performance.now();
  let bytes = 0;
  let rows = 0;
  let drawn = 0;
  const bar = await spinner(io);
  const draw = () => {
    const now = performance.now();
    if (now - drawn < 100) return;
    drawn = now;
    const share = total ? ` (${Math.min(100, Math.floor((bytes / total) * 100))} % of ${formatBytes(total)})` : '';
    bar.text = `validating: ${formatCount(rows)} rows, ${formatCount(Math.round(ratePerSecond(rows, started)))}/s${share}`;
  };
  bar.start('validating');
  return {
    hooks: {
      onRows: (n) => {
        rows = n;
        draw();
      },
      read: {
        onRead: (n) => {
          bytes += n;
          draw();
        },
      },
    },
    stop: () => bar.stop(),
  };
}

const statSafe = (path: string): number | undefined => {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
};

const formatBytes = (n: number) => (n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GB` : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MB` : `${Math.ceil(n / 1024)} kB`);

/** `hrsync validate`: checks files, prints the report, and returns the exit code (0 valid, 3 invalid). */
export async function validateCommand(files: string[], flags: ValidateFlags, io: Io): Promise<number> {
  maxInvalid(flags.maxInvalid); // a bad value is said before anything is read
  notAnInput('--annotate', flags.annotate, files, io.cwd);
  notAnInput('--report', flags.report, files, io.cwd);
  const annotate = flags.annotate ? await import('../../app/annotate.js') : undefined;
  annotate?.annotatedFormat(flags.annotate!, files.length);
  // Listened to from the start until the command ends: a Ctrl-C during the check says how far it got
  // (runValidate), and one while the annotated file or the report is written stops that too; exit 130.
  const stop = new AbortController();
  const dispose = onStopSignals(io, (signal) => stop.abort(signal));
  try {
    const report = await runValidate(files, flags, io, stop.signal);
    try {
      const phase = { now: 'writing the output' };
      return await untilStopped(writeOutputs(files, flags, io, report, { annotate, signal: stop.signal, phase }), stop.signal, () => phase.now);
    } finally {
      report.issues.close();
    }
  } finally {
    dispose();
  }
}

/**
 * `work`, unless a stop signal comes first: then an Interrupted naming what was under way (`doing()`),
 * at once. The work goes on to its next check of `signal`; each file it writes is committed only while
 * the signal is not aborted, so nothing is left half-written.
 */
async function untilStopped<T>(work: Promise<T>, signal: AbortSignal, doing: () => string): Promise<T> {
  work.catch(() => undefined); // stopped: what the work still throws is not news
  const stopped = new Promise<never>((_, reject) => {
    const say = () => reject(new Interrupted(`interrupted while ${doing()}`, signal.reason as NodeJS.Signals));
    if (signal.aborted) say();
    else signal.addEventListener('abort', say, { once: true });
  });
  stopped.catch(() => undefined);
  return Promise.race([work, stopped]);
}

type Annotate = typeof import('../../app/annotate.js');

/** After the check: the annotated file, the report on standard output, the HTML report; returns the exit code. */
async function writeOutputs(files: string[], flags: ValidateFlags, io: Io, report: Awaited<ReturnType<typeof runValidate>>, how: { annotate: Annotate | undefined; signal: AbortSignal; phase: { now: string } }): Promise<number> {
  const { signal, phase } = how;
  if (how.annotate && flags.annotate) {
    phase.now = `writing the annotated file ${printable(flags.annotate, true)}: nothing half-written`;
    const { read } = await inputOptions({ ...flags, verbose: false }, io); // read as validated; --verbose's notes were said then
    const written = await how.annotate.writeAnnotated(files, report, flags.annotate, { cwd: io.cwd, signal, ...(read ? { read } : {}) });
    io.stderr.write(`${colourFor(io.stderr, io.env).dim(`wrote ${formatCount(written.rows)} rows with an "hrsync errors" column to ${printable(written.path, true)}`)}\n`);
    if (written.note) io.stderr.write(`${colourFor(io.stderr, io.env).yellow('note:')} ${printable(written.path, true)} ${written.note}\n`);
  }
  // The issues are read back in order as they are written: the output is never held whole. A reader
  // that stops reading part-way still gets validate's exit code.
  const tolerance = report.tolerance;
  const code = withinTolerance(report, tolerance?.limit) ? ExitCode.ok : ExitCode.invalidInput;
  io.settle?.(code);
  phase.now = `printing the issues: the files were checked${flags.annotate ? ' and the annotated file written' : ''}`;
  if (flags.format === 'json') await writeValidationJson(report, io.stdout);
  else if (flags.format === 'github') await writeValidationGithub(report, io.stdout);
  else io.stdout.write(await renderValidationText(report, colourFor(io.stdout, io.env), Boolean(flags.verbose)));
  if (flags.report) {
    phase.now = `writing the report ${printable(flags.report, true)}: nothing half-written`;
    const { summary } = report;
    const outcome = report.truncated
      ? `stopped after ${plural(summary.errors, 'error')} (--max-errors): the rest was not checked`
      : `${summary.errors ? 'invalid' : 'valid'}: ${plural(summary.rows, 'row')}, ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}`;
    const limit = flags.verbose ? Infinity : undefined;
    const { renderReportHtml, REPORT_LIMIT } = await import('../render/report-html.js');
    const issues = await digestIssues(report.issues, limit ?? REPORT_LIMIT, new Places(report.files));
    const { readFailedRows } = await import('../../app/failed-rows.js');
    const { read, mapping } = await inputOptions(flags, io);
    const failed = await readFailedRows(report.files, report.issues, { ...(read ? { read } : {}), ...(mapping ? { mapping } : {}), limit: limit ?? REPORT_LIMIT });
    signal.throwIfAborted();
    await writeReport(flags.report, renderReportHtml({ command: 'validate', outcome, exitCode: code, at: new Date().toISOString(), validation: { ...report, issues }, failed, ...(limit ? { limit } : {}) }), io, signal);
  }
  if (tolerance && !report.ok) io.stderr.write(`${toleranceLine(report, tolerance.limit, tolerance.said, colourFor(io.stderr, io.env))}\n`);
  return code;
}
