import { checkPlanFresh, readPlan } from '../../app/apply-saved-plan.js';
import { sentScope } from '../../app/import-run.js';
import { openTarget } from '../../app/open-target.js';
import { resultsFolder } from '../../app/results-folder.js';
import { lockTarget, recordRun } from '../../app/state-store.js';
import type { HeldLock } from '../../core/ports.js';
import { ExitCode, HrsyncError, StateUnavailable } from '../../errors.js';
import { positiveInt, seconds } from '../parse.js';
import { colourFor, plural, type Io, openOptions, warner } from '../terminal.js';
import { appliedCounts, applyExitCode, EMBEDDED_APPLIED, runApply } from './import.js';

export interface ApplyFlags {
  config?: string;
  force?: boolean;
  concurrency: string;
  results?: string;
  waitLock?: string;
}

/**
 * `hrsync apply plan.json`: applies exactly the operations of a saved plan — after re-reading every
 * record they touch, and refusing (exit 6, naming them) when any changed since, unless --force.
 */
export async function applyCommand(planFile: string, flags: ApplyFlags, io: Io): Promise<number> {
  const plan = await readPlan(planFile, io.cwd);
  const concurrency = positiveInt('--concurrency', flags.concurrency) ?? 8;
  if (flags.results !== undefined) resultsFolder(flags.results, io.cwd);
  const waitMs = seconds('--wait-lock', flags.waitLock);
  const opened = await openTarget(plan.targetName, { ...openOptions(io, flags.config), ...(flags.concurrency !== undefined ? { concurrency } : {}) });
  let lock: HeldLock | undefined;
  const counts: Record<string, number> = { ...plan.summary };
  // The run's clock, read once (a plan made --as-of a later moment waits for it).
  const startedAt = new Date();
  let code: number = ExitCode.internal;
  let stateDown = false;
  try {
    const resultsDir = resultsFolder(flags.results, io.cwd, opened.home);
    lock = await lockTarget(opened, `apply to ${opened.target?.label}`, { ...(waitMs ? { waitMs } : {}), onLost: warner(io), warn: warner(io) });
    const { target, stale } = await checkPlanFresh(opened.target, plan, opened.state, { concurrency, force: Boolean(flags.force), now: startedAt.getTime() });
    if (stale.length) io.stderr.write(colourFor(io.stderr, io.env).yellow(`--force: applying although ${plural(stale.length, 'record')} changed since the plan was made\n`));
    // What is sent to a target that cannot be read back (Springest) is remembered, as an import's apply does.
    const scope = sentScope(target);
    const sync = scope ? { state: opened.state, scope, sent: new Map<string, string>() } : undefined;
    const result = await runApply({ target, plan, ...(sync ? { sync } : {}) }, { concurrency, resultsDir, lockLost: lock?.lost }, io);
    Object.assign(counts, appliedCounts(result));
    code = applyExitCode(result, 0, io);
    if (opened.embedded) io.stderr.write(`${colourFor(io.stderr, io.env).dim(EMBEDDED_APPLIED)}\n`);
    return code;
  } catch (error) {
    code = error instanceof HrsyncError ? error.exitCode : ExitCode.internal;
    stateDown = error instanceof StateUnavailable;
    throw error;
  } finally {
    await lock?.release();
    if (opened.target && !stateDown)
      await recordRun(opened.state, { command: 'apply', target: opened.target, startedAt, counts, exitCode: code }, warner(io));
    await opened.close();
  }
}
