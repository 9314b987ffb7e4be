import type { TargetRecords } from './row-sets.js';
import type { CanonicalValues } from '../model/canonical.js';
import type { Entity } from '../model/entities.js';
import type { Connection } from '../ports.js';
import { isPartial } from './canary.js';
import { same } from './compare.js';
import { fingerprint } from './digest.js';
import type { Draft } from './draft.js';
import { describeRecord } from './keys.js';
import type { PlanNote } from './notes.js';
import type { PlanOptions } from './types.js';

export class MissingLimit extends Error {
  constructor(
    readonly entity: Entity,
    readonly count: number,
    readonly total: number,
    readonly limit: number,
    readonly examples: string[],
  ) {
    super(`${count} of ${total} ${entity} on the target are missing from the input: more than the limit of ${limit}`);
  }
}

/**
 * Records on the target that the input lacks (`kept` says which the input holds: matched, or named by
 * a row left out): left alone, deactivated or deleted as the missing policy asks — unless the input is
 * not the whole population, the platform cannot, or there are more of them than maxMissing allows
 * (the brake: MissingLimit, before anything is written). Why nothing was done is said in a note.
 */
export function planMissing(target: Connection, entity: Entity, existing: TargetRecords, keys: readonly string[], options: PlanOptions, kept: (row: CanonicalValues) => boolean, draft: Draft): void {
  const policy = options.missing;
  if (policy === 'ignore') return;
  const writer = target.writer!;
  const deactivation = writer.deactivation(entity);
  const note = (n: PlanNote) => void draft.notes.push(n);
  if (writer.updatesOnly?.(entity)) return note({ code: 'missing_updates_only', entity, missing: policy });
  if (options.lookedUp?.has(entity)) return note({ code: 'missing_looked_up', target: target.label, entity, missing: policy });
  if (isPartial(options)) return note({ code: 'missing_partial', entity, missing: policy });
  if (policy === 'delete' && !writer.canDelete(entity)) return note({ code: 'missing_cannot_delete', target: target.label, entity });
  if (policy === 'deactivate' && !deactivation) return note({ code: 'missing_cannot_deactivate', target: target.label, entity });
  // Already deactivated: nothing to do.
  const missing: CanonicalValues[] = [];
  for (const row of existing) if (!kept(row) && !(deactivation && policy === 'deactivate' && same(deactivation.field, row[deactivation.field], deactivation.value))) missing.push(row);
  const limit = 'count' in options.maxMissing ? options.maxMissing.count : Math.floor(existing.length * options.maxMissing.fraction);
  if (missing.length > limit) throw new MissingLimit(entity, missing.length, existing.length, limit, missing.slice(0, 10).map((r) => describeRecord(r, keys)));
  for (const row of missing) {
    const key = keys.find((k) => typeof row[k] === 'string' && row[k]);
    const values = policy === 'deactivate' && key ? { values: { [key]: row[key]! } } : {};
    draft.add({ action: policy, entity, key: describeRecord(row, keys), id: String(row.id), ...values, fingerprint: fingerprint(row), because: 'missing' });
  }
}
