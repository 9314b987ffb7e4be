import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SafetyStop, UsageError } from '../../errors.js';
import { fingerprint, type Plan, type PlannedOp } from '../../core/plan/plan.js';
import { openTarget } from '../../app/open-target.js';
import type { Target } from '../../core/ports.js';
import { colourFor, plural, type Io } from '../terminal.js';
import { applyExitCode, runApply } from './import.js';

export interface ApplyFlags {
  config?: string;
  force?: boolean;
  concurrency: string;
  results?: string;
}

async function readPlan(path: string): Promise<Plan> {
  let plan: Plan;
  try {
    plan = JSON.parse(await readFile(path, 'utf8')) as Plan;
  } catch (error) {
    throw new UsageError(`plan file ${path} cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (plan?.version !== 1 || !Array.isArray(plan.operations) || typeof plan.targetName !== 'string')
    throw new UsageError(`${path} is not a plan written by \`hrsync import --out\``);
  return plan;
}

/** Why an operation no longer fits what the target holds, or undefined when it still does. */
async function staleness(target: Target, op: PlannedOp): Promise<string | undefined> {
  const writer = target.writer!;
  if (op.action === 'create') {
    for (const field of writer.matchKeys(op.entity)) {
      const value = op.values?.[field];
      if (typeof value === 'string' && value && (await writer.lookup(op.entity, { field, value }))) return `${op.entity} ${op.key} exists now`;
    }
    return undefined;
  }
  if (!op.fingerprint || !op.id) return undefined; // nothing was read to plan it (a target that cannot be listed)
  const current = await writer.lookup(op.entity, { field: 'id', value: op.id });
  if (!current) return `${op.entity} ${op.key} (id ${op.id}) no longer exists`;
  return fingerprint(current) === op.fingerprint ? undefined : `${op.entity} ${op.key} (id ${op.id}) changed since the plan was made`;
}

/**
 * `hrsync apply plan.json`: applies exactly the operations of a saved plan — after re-reading every
 * record they touch, and refusing (exit 6, naming them) when any changed since, unless --force.
 */
export async function applyCommand(planFile: string, flags: ApplyFlags, io: Io): Promise<number> {
  const plan = await readPlan(planFile);
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a whole number of 1 or more, not "${flags.concurrency}"`);
  const opened = await openTarget(plan.targetName, { config: flags.config, env: io.env });
  try {
    const target = opened.target;
    if (!target?.writer || target.label !== plan.target) throw new UsageError(`the plan is for ${plan.target}, which is not a writable target here`);
    const stale: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(8, plan.operations.length) }, async () => {
        while (next < plan.operations.length) {
          const why = await staleness(target, plan.operations[next++]!);
          if (why) stale.push(why);
        }
      }),
    );
    const c = colourFor(io.stderr, io.env);
    if (stale.length && !flags.force)
      throw new SafetyStop(`the plan is stale: ${plural(stale.length, 'record')} changed since it was made (${stale.slice(0, 10).join('; ')}); nothing was written`, 'run the import again for a fresh plan, or pass --force to apply this one anyway');
    if (stale.length) io.stderr.write(c.yellow(`--force: applying although ${plural(stale.length, 'record')} changed since the plan was made\n`));
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const result = await runApply(target, plan.operations, { concurrency, resultsDir: flags.results ?? join('.hrsync', 'runs', stamp) }, io);
    return applyExitCode(result, 0, io);
  } finally {
    await opened.close();
  }
}
