import { appliedBefore, checkPlanFresh, freshnessLookups, readPlan, type SavedPlan } from '../../app/apply-saved-plan.js';
import { openTarget, type OpenedTarget } from '../../app/open-target.js';
import { pacedDuration } from '../../core/apply/duration.js';
import { resultsFolder } from '../../app/results-folder.js';
import { resolve } from 'node:path';
import { appliedCounts, runFile, sentState, writeRun } from '../../app/write-run.js';
import { applyExitCode, EMBEDDED_APPLIED, runApply } from '../apply-output.js';
import type { ApplyFlags } from '../options.js';
import { ExitCode, Interrupted } from '../../errors.js';
import { positiveInt, seconds } from '../parse.js';
import { spinner } from '../progress.js';
import { pacedLine, pacedNote } from '../render/pacing.js';
import { colourFor, formatCount, onStopSignals, plural, type Io, openOptions, warner } from '../terminal.js';

/**
 * `hrsync apply plan.json`: applies exactly the operations of a saved plan — after re-reading every
 * record they touch, and refusing (exit 6, naming them) when any changed since, unless --force.
 */
export async function applyCommand(planFile: string, flags: ApplyFlags, io: Io): Promise<number> {
  const plan = await readPlan(planFile, io.cwd);
  // The run's clock, read once: a plan made --as-of a moment still to come waits for it.
  const now = Date.now();
  const concurrency = positiveInt('--concurrency', flags.concurrency) ?? 8;
  if (flags.results !== undefined) resultsFolder(flags.results, io.cwd);
  const waitMs = seconds('--wait-lock', flags.waitLock);
  // Ctrl-C while the plan is checked: the lookups stop (the connection is opened with this signal).
  const checkStop = new AbortController();
  return writeRun(
    () => openTarget(plan.targetName, { ...openOptions(io, flags.config), signal: checkStop.signal, ...(flags.concurrency !== undefined ? { concurrency } : {}) }),
    {
      command: 'apply',
      record: true,
      counts: { ...plan.summary },
      warn: warner(io),
      lock: { what: (opened) => `apply to ${opened.target?.label}`, waitMs },
      prepare: (opened) => resultsFolder(flags.results, io.cwd, opened.home),
    },
    async (run, resultsDir) => {
      const { opened, lock, counts } = run;
      const c = colourFor(io.stderr, io.env);
      const done = await appliedBefore(opened.target, plan, opened.state);
      if (done) {
        for (const name of Object.keys(counts)) delete counts[name];
        io.stderr.write(`${c.green('✔')} already applied by run ${done.id ?? '(no id)'} at ${done.at}: nothing was written\n`);
        return ExitCode.ok;
      }
      run.plan = plan.signature.hmac;
      const { target, stale } = await checkFresh(opened, plan, checkStop, { concurrency, force: Boolean(flags.force), now }, io);
      if (stale.length) io.stderr.write(c.yellow(`--force: applying although ${plural(stale.length, 'record')} changed since the plan was made\n`));
      // What is sent to a target that cannot be read back (Springest) is remembered, as an import's apply does.
      const sync = sentState(target, opened.state);
      io.stderr.write(pacedNote(plan.operations.length, target.pacing, c));
      run.results = resolve(io.cwd, resultsDir);
      const result = await runApply({ target, plan, ...(sync ? { sync } : {}) }, { concurrency, resultsDir, lockLost: lock?.lost, run: runFile(run, 'apply', target), ...(flags.failedXlsx ? { failedXlsx: true } : {}) }, io);
      Object.assign(counts, appliedCounts(result));
      const code = applyExitCode(result, 0, io);
      if (opened.embedded) io.stderr.write(`${c.dim(EMBEDDED_APPLIED)}\n`);
      return code;
    },
  );
}

/**
 * Checks the plan against the target as it is now — a lookup per key of each create, a read of each
 * record changed, many a request where the target can (accessplanit: 20): when the target's pacing
 * holds those back, it says how long first; a spinner counts them on a terminal; Ctrl-C stops it, and
 * nothing was written.
 */
async function checkFresh(opened: OpenedTarget, plan: SavedPlan, stop: AbortController, options: { concurrency: number; force: boolean; now: number }, io: Io): ReturnType<typeof checkPlanFresh> {
  const target = opened.target;
  const label = target?.label ?? plan.target;
  const pacing = target?.pacing;
  const requests = target ? freshnessLookups(target, plan) : 0;
  const many = target?.writer?.lookupMany;
  const what = many ? `${plural(requests, 'request')} (a lookup of each record it creates or changes, as it is now, ${many.atOnce} a request)` : `${plural(requests, 'lookup')} (each record it creates or changes, as it is now)`;
  const seconds = pacing && pacedDuration(requests, { perSecond: pacing.perSecond, burst: pacing.burst, available: pacing.available() });
  if (pacing && seconds !== undefined) io.stderr.write(`${colourFor(io.stderr, io.env).dim(`checking the plan against ${label} first, ${what}: ${pacedLine(seconds, pacing)}`)}\n`);
  const progress = await spinner(io);
  progress.start(`checking the plan against ${label}`);
  const dispose = onStopSignals(io, (signal) => stop.abort(signal));
  try {
    return await checkPlanFresh(target, plan, opened.state, {
      ...options,
      signal: stop.signal,
      onChecked: (done, total, unit) => (progress.text = `checking the plan against ${label}: ${formatCount(done)}/${formatCount(total)} ${unit}`),
    });
  } catch (error) {
    if (!stop.signal.aborted) throw error;
    throw new Interrupted('interrupted while checking the plan against the target: nothing was written', stop.signal.reason as NodeJS.Signals);
  } finally {
    progress.stop();
    dispose();
  }
}
