import { appliedBefore, checkPlanFresh, readPlan } from '../../app/apply-saved-plan.js';
import { openTarget } from '../../app/open-target.js';
import { resultsFolder } from '../../app/results-folder.js';
import { resolve } from 'node:path';
import { appliedCounts, runFile, sentState, writeRun } from '../../app/write-run.js';
import { applyExitCode, EMBEDDED_APPLIED, runApply } from '../apply-output.js';
import type { ApplyFlags } from '../options.js';
import { ExitCode } from '../../errors.js';
import { positiveInt, seconds } from '../parse.js';
import { colourFor, plural, type Io, openOptions, warner } from '../terminal.js';

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
  return writeRun(
    () => openTarget(plan.targetName, { ...openOptions(io, flags.config), ...(flags.concurrency !== undefined ? { concurrency } : {}) }),
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
      const { target, stale } = await checkPlanFresh(opened.target, plan, opened.state, { concurrency, force: Boolean(flags.force), now });
      if (stale.length) io.stderr.write(c.yellow(`--force: applying although ${plural(stale.length, 'record')} changed since the plan was made\n`));
      // What is sent to a target that cannot be read back (Springest) is remembered, as an import's apply does.
      const sync = sentState(target, opened.state);
      run.results = resolve(io.cwd, resultsDir);
      const result = await runApply({ target, plan, ...(sync ? { sync } : {}) }, { concurrency, resultsDir, lockLost: lock?.lost, run: runFile(run, 'apply', target), ...(flags.failedXlsx ? { failedXlsx: true } : {}) }, io);
      Object.assign(counts, appliedCounts(result));
      const code = applyExitCode(result, 0, io);
      if (opened.embedded) io.stderr.write(`${c.dim(EMBEDDED_APPLIED)}\n`);
      return code;
    },
  );
}
