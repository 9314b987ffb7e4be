import type { TargetRecords } from './row-sets.js';
import type { CanonicalValues, FieldValue } from '../model/canonical.js';
import type { Entity } from '../model/entities.js';
import type { TargetWriter } from '../ports.js';
import type { Draft } from './draft.js';
import { describeRecord } from './keys.js';
import type { PlannedOp } from './types.js';

/** Whether a reference field's value (one id, or a list of them) names `id`. */
function refersTo(value: FieldValue | null | undefined, id: string): boolean {
  if (Array.isArray(value)) return (value as unknown[]).some((v) => String(v) === id);
  return typeof value === 'string' && value === id;
}

/**
 * Takes out of the plan every delete the platform would refuse because records that stay still refer
 * to the record (writer.deleteBlockedBy: an accessplanit company that still has users), each with a
 * note naming them — so it never fails at apply. "Stay" is after the plan: records it deletes do not
 * count, updates count with their new values, creates count too. Needs the referring entity's records
 * in `current` (planImport lists them when deletes are asked for).
 */
export function keepReferencedRecords(writer: TargetWriter, current: ReadonlyMap<Entity, TargetRecords>, draft: Draft): void {
  const { ops, notes } = draft;
  const deletes = ops.filter((o) => o.action === 'delete');
  if (!deletes.length || !writer.deleteBlockedBy) return;
  const deleted = new Set(deletes.map((o) => `${o.entity}:${o.id}`));
  const updates = new Map(ops.filter((o) => o.action === 'update').map((o) => [`${o.entity}:${o.id}`, o]));
  const blocked = new Set<PlannedOp>();
  for (const op of deletes) {
    const holders: string[] = [];
    for (const { entity, field } of writer.deleteBlockedBy(op.entity)) {
      for (const row of current.get(entity) ?? []) {
        const at = `${entity}:${String(row.id)}`;
        if (deleted.has(at)) continue;
        const update = updates.get(at);
        const value = update?.values && field in update.values ? update.values[field] : row[field];
        if (refersTo(value, op.id!)) holders.push(describeRecord(row, writer.matchKeys(entity)));
      }
      for (const create of ops) if (create.action === 'create' && create.entity === entity && refersTo(create.values?.[field], op.id!)) holders.push(create.key);
      if (holders.length) {
        blocked.add(op);
        notes.push({ code: 'delete_blocked', entity: op.entity, key: op.key, by: entity, count: holders.length, first: holders.slice(0, 3) });
        break;
      }
    }
  }
  draft.drop(blocked);
}
