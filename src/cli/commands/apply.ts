import { checkPlanFresh, readPlan } from '../../app/apply-saved-plan.js';
import { openTarget } from '../../app/open-target.js';
import { defaultRunDir } from '../../shared/run-folder.js';
import { positiveInt } from '../parse.js';
import { colourFor, plural, type Io, openOptions } from '../terminal.js';
import { applyExitCode, runApply } from './import.js';

export interface ApplyFlags {
  config?: string;
  force?: boolean;
  concurrency: string;
  results?: string;
}

/**
 * `hrsync apply plan.json`: applies exactly the operations of a saved plan — after re-reading every
 * record they touch, and refusing (exit 6, naming them) when any changed since, unless --force.
 */
export async function applyCommand(planFile: string, flags: ApplyFlags, io: Io): Promise<number> {
  const plan = await readPlan(planFile, io.cwd);
  const concurrency = positiveInt('--concurrency', flags.concurrency) ?? 8;
  const opened = await openTarget(plan.targetName, openOptions(io, flags.config));
  try {
    const { target, stale } = await checkPlanFresh(opened.target, plan, { concurrency, force: Boolean(flags.force) });
    if (stale.length) io.stderr.write(colourFor(io.stderr, io.env).yellow(`--force: applying although ${plural(stale.length, 'record')} changed since the plan was made\n`));
    const result = await runApply({ target, plan }, { concurrency, resultsDir: flags.results ?? defaultRunDir() }, io);
    return applyExitCode(result, 0, io);
  } finally {
    await opened.close();
  }
}
