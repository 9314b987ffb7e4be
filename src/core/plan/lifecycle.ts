import { localTime } from '../lifecycle/calendar.js';
import { standingOf, type Standing } from '../lifecycle/lifecycle.js';
import type { CanonicalRecord, CanonicalValues } from '../model/canonical.js';
import type { TargetWriter } from '../ports.js';
import { same } from './compare.js';
import { fingerprint } from './digest.js';
import type { Draft } from './draft.js';
import { describeRecord } from './keys.js';
import type { LifecycleDecision, LifecycleOptions, LifecycleOutcome } from './types.js';

/** A row's standing at the run's moment, its dates read in its own zone (else the default); undefined without a clock. */
export function standingFor(record: CanonicalRecord, options: LifecycleOptions | undefined): { standing: Standing; zone: string } | undefined {
  if (!options) return undefined;
  const { startDate, endDate, timeZone } = record.values;
  if (typeof startDate !== 'string' && typeof endDate !== 'string') return undefined;
  const zone = typeof timeZone === 'string' && timeZone ? timeZone : options.timeZone;
  const standing = standingOf({ startDate: typeof startDate === 'string' ? startDate : null, endDate: typeof endDate === 'string' ? endDate : null }, zone, options.asOf, options);
  return standing.kind === 'current' ? undefined : { standing, zone };
}

/** The decision as the plan records it: the instants in ISO and as read in the person's zone. */
export function decisionOf(record: CanonicalRecord, key: string, at: { standing: Standing; zone: string }, outcome: LifecycleOutcome): LifecycleDecision {
  const { standing, zone } = at;
  const instant = (name: string, ms: number | undefined) => (ms === undefined ? {} : { [`${name}`]: new Date(ms).toISOString(), [`${name}Local`]: localTime(ms, zone) });
  const base = { entity: record.entity, file: record.file, line: record.line, key, timeZone: zone, outcome };
  if (standing.kind === 'waiting') return { ...base, kind: 'joiner', date: standing.startDate, ...instant('createAt', standing.createAt) };
  if (standing.kind === 'left') return { ...base, kind: 'leaver', date: standing.endDate, ...instant('leftAt', standing.leftAt), ...instant('deleteAt', standing.deleteAt) };
  throw new RangeError('a current standing makes no lifecycle decision');
}

/**
 * A leaver (their end date has passed, in their zone): deleted once deleteDaysAfter has run and the
 * platform can delete, else deactivated with the platform's soft delete (the missing policy's own
 * operation), unless it already is; never created. Returns the outcome for the plan's record.
 */
export function planLeaver(writer: TargetWriter, record: CanonicalRecord, hit: CanonicalValues | undefined, keys: readonly string[], standing: Standing & { kind: 'left' }, draft: Draft): LifecycleOutcome {
  const entity = record.entity;
  if (!hit) return 'absent';
  const base = { entity, key: describeRecord(hit, keys), id: String(hit.id), file: record.file, line: record.line, fingerprint: fingerprint(hit), because: 'leaver' as const };
  if (standing.deleteDue && writer.canDelete(entity)) {
    draft.add({ ...base, action: 'delete' });
    return 'delete';
  }
  const deactivation = writer.deactivation(entity);
  if (!deactivation) return 'cannot';
  if (same(deactivation.field, hit[deactivation.field], deactivation.value)) {
    draft.count(entity, 'unchanged');
    return 'deactivated';
  }
  const key = keys.find((k) => typeof hit[k] === 'string' && hit[k]);
  draft.add({ ...base, action: 'deactivate', ...(key ? { values: { [key]: hit[key]! } } : {}) });
  return 'deactivate';
}

/**
 * The rows whose records exist once this run is applied, for references (a manager), each with what
 * its keys find (`hits`): those a key found on the target, and those created — not a leaver or a
 * joiner not yet due whom the target lacks. Worked out each time it is read, row by row: it holds no
 * row (a plan of a million rows, issue 22 goal 4).
 */
export function madeRows(input: readonly CanonicalRecord[], hits: (record: CanonicalRecord) => ReadonlySet<CanonicalValues>, options: LifecycleOptions | undefined): Iterable<readonly [CanonicalRecord, ReadonlySet<CanonicalValues>]> {
  return {
    *[Symbol.iterator]() {
      for (const record of input) {
        const found = hits(record);
        if (found.size > 0 || !options || !standingFor(record, options)) yield [record, found] as const;
      }
    },
  };
}
