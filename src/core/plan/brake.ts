import type { TargetRecords } from './row-sets.js';
import type { CanonicalValues } from '../model/canonical.js';
import { DEPENDENCY_ORDER, type Entity } from '../model/entities.js';
import type { TargetWriter } from '../ports.js';
import type { Draft } from './draft.js';
import type { Limit, PlannedOp } from './types.js';

/** Why records are deactivated or deleted, counted apart for the message. */
export type Causes = Record<NonNullable<PlannedOp['because']>, number>;

/** The deactivation brake: more records of an entity would be deactivated or deleted than the limit allows. */
export class DeactivationLimit extends Error {
  constructor(
    readonly entity: Entity,
    readonly count: number,
    readonly total: number,
    readonly limit: number,
    readonly causes: Causes,
    readonly examples: string[],
  ) {
    const why = (Object.entries(causes) as Array<[keyof Causes, number]>).filter(([, n]) => n > 0).map(([cause, n]) => `${n} ${CAUSE_WORDS[cause][n === 1 ? 0 : 1]}`);
    super(`${count} of ${total} ${entity} on the target would be deactivated or deleted (${why.join(', ')}): more than the limit of ${limit}`);
  }
}

const CAUSE_WORDS: Record<keyof Causes, [string, string]> = {
  missing: ['missing from the input', 'missing from the input'],
  leaver: ['leaver', 'leavers'],
  status: ['disabled by its HR status', 'disabled by their HR status'],
};

/** "10%" or "25" → a limit; undefined when it is neither. */
export function parseLimit(text: string): Limit | undefined {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  if (!m) return undefined;
  return m[2] ? { fraction: Number(m[1]) / 100 } : { count: Math.floor(Number(m[1])) };
}

/**
 * The most records the deactivation brake allows out of `total`: a count as given; a percentage
 * rounded down, but never below one — one leaver or one disabled status in a small tenant is no mass
 * deactivation (a count of 0 still allows none).
 */
export const allowed = (limit: Limit, total: number): number => ('count' in limit ? limit.count : Math.max(1, Math.floor(total * limit.fraction)));

/**
 * An update that sets the platform's disabled state (an HR status that maps to Disabled or inactive)
 * is a deactivation too: marked so, for the brake and for people.
 */
export function markDisabling(writer: TargetWriter, draft: Draft): void {
  for (const op of draft.ops) {
    if (op.action !== 'update' || op.because) continue;
    const deactivation = writer.deactivation(op.entity);
    if (deactivation && op.changes?.some((c) => c.field === deactivation.field && String(c.to).toLowerCase() === String(deactivation.value).toLowerCase())) op.because = 'status';
  }
}

/**
 * One brake over every cause: per entity, the records the plan deactivates or deletes — missing from
 * the input, leavers, or disabled by their HR status — against `limit` of the target's records
 * (`current`; a target that cannot be listed: the rows of the input). Throws DeactivationLimit before
 * anything is written.
 */
export function checkDeactivations(draft: Draft, limit: Limit, current: ReadonlyMap<Entity, TargetRecords>, inputRows: ReadonlyMap<Entity, number>): void {
  for (const entity of DEPENDENCY_ORDER) {
    const ops = draft.ops.filter((op) => op.entity === entity && op.because);
    if (ops.length === 0) continue;
    const total = Math.max(current.get(entity)?.length ?? 0, inputRows.get(entity) ?? 0);
    const most = allowed(limit, total);
    if (ops.length <= most) continue;
    const causes: Causes = { missing: 0, leaver: 0, status: 0 };
    for (const op of ops) causes[op.because!]++;
    throw new DeactivationLimit(entity, ops.length, total, most, causes, ops.slice(0, 10).map((op) => op.key));
  }
}
