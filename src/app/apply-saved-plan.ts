import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fingerprint, type Plan, type PlannedOp } from '../core/plan/plan.js';
import type { Target } from '../core/ports.js';
import { SafetyStop, UsageError } from '../errors.js';
import { runPool } from '../shared/pool.js';

/** A plan written by `hrsync import --out`; anything else is a usage error naming the file. */
export async function readPlan(path: string, cwd: string): Promise<Plan> {
  let plan: Plan;
  try {
    plan = JSON.parse(await readFile(resolve(cwd, path), 'utf8')) as Plan;
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
 * Before a saved plan is applied: every record it touches is read again (--concurrency at a time).
 * Any that changed since the plan was made stops the run (exit 6), unless `force`; then the stale
 * ones are returned, to be said.
 */
export async function checkPlanFresh(target: Target | undefined, plan: Plan, options: { concurrency: number; force: boolean }): Promise<{ target: Target; stale: string[] }> {
  if (!target?.writer || target.label !== plan.target) throw new UsageError(`the plan is for ${plan.target}, which is not a writable target here`);
  const stale: string[] = [];
  await runPool(plan.operations, options.concurrency, async (op) => {
    const why = await staleness(target, op);
    if (why) stale.push(why);
  });
  if (stale.length && !options.force)
    throw new SafetyStop(
      `the plan is stale: ${stale.length} ${stale.length === 1 ? 'record' : 'records'} changed since it was made (${stale.slice(0, 10).join('; ')}); nothing was written`,
      'run the import again for a fresh plan, or pass --force to apply this one anyway',
    );
  return { target, stale };
}
