import { withValues, type CanonicalRecord } from '../model/canonical.js';
import type { Connection } from '../ports.js';
import { runPool } from '../../shared/pool.js';
import { lastSent, syncKey } from './blind.js';
import { same } from './compare.js';
import { fingerprint } from './digest.js';
import type { Draft } from './draft.js';
import { due } from './identity.js';
import { keyOf } from './keys.js';
import type { PlannedOp, PlanOptions } from './types.js';

/** Lookups in flight while a blind plan looks for rehires. */
const LOOKUPS_IN_FLIGHT = 8;

/**
 * Rehires on a target planned blind (Springest: it cannot be listed, and an upsert leaves a field it is
 * not sent as it was): a row that does not say the soft-delete field, whose last payload sent did (a
 * leaver, an HR status), is looked up by its key; when the platform holds the person inactive, the row
 * is sent with the platform's way back (writer.deactivation's `active`). A joiner still waiting for
 * their start date, or a leaver, is not looked up (see due). Returns the rows (copies where
 * changed) and, by row, the status each rehire had, for `markRehires`.
 */
export async function blindRehires(target: Connection, input: readonly CanonicalRecord[], keys: readonly string[], options: Pick<PlanOptions, 'synced' | 'lifecycle'>): Promise<{ rows: CanonicalRecord[]; rehired: Map<string, unknown> }> {
  const writer = target.writer!;
  const rehired = new Map<string, unknown>();
  const rows = [...input];
  const off = rows.length ? writer.deactivation(rows[0]!.entity) : undefined;
  if (!off || off.active === undefined || !options.synced) return { rows, rehired };
  const candidates = rows.flatMap((record, i) => {
    const present = keys.filter((k) => keyOf(k, record.values) !== undefined);
    const said = record.values[off.field];
    if (!present.length || (said !== undefined && said !== null && said !== '') || !due(record, options.lifecycle)) return [];
    return lastSent(options.synced!.get(syncKey(record, present)))?.fields?.includes(off.field) ? [{ record, i, present }] : [];
  });
  await runPool(candidates, LOOKUPS_IN_FLIGHT, async ({ record, i, present }) => {
    for (const field of present) {
      const found = await writer.lookup(record.entity, { field, value: String(record.values[field]).trim() });
      if (!found) continue;
      if (!same(off.field, found[off.field], off.value)) return;
      rows[i] = withValues(record, { ...record.values, [off.field]: off.active! });
      rehired.set(`${record.file}:${record.line}`, found[off.field]);
      return;
    }
  });
  return { rows, rehired };
}

/**
 * Says on each blind write that reactivates a rehire what it changes and why (a blind plan has no other
 * changes). What it keeps as sent is the row as the input has it (without the way back): the next run,
 * whose row still does not say the field, is unchanged rather than sent again.
 */
export function markRehires(draft: Draft, rehired: ReadonlyMap<string, unknown>, field: string | undefined, to: unknown): void {
  if (!rehired.size || !field) return;
  for (const op of draft.ops as PlannedOp[]) {
    const from = rehired.get(`${op.file}:${op.line}`);
    if (from === undefined) continue;
    op.changes = [{ field, from: from as string, to: to as string, reason: { code: 'rehire' } }];
    const kept = Object.fromEntries(Object.entries(op.values ?? {}).filter(([f]) => f !== field));
    op.sends = `${fingerprint(kept)} ${Object.keys(kept).sort().join(',')}`;
  }
}
