import type { CanonicalRecord, CanonicalValues } from '../model/canonical.js';
import { keyValue } from '../model/keys.js';
import type { Connection, TargetWriter } from '../ports.js';
import { runPool } from '../../shared/pool.js';
import type { Canary } from './canary.js';
import type { FieldSet } from './diff.js';
import { fingerprint } from './digest.js';
import type { Draft } from './draft.js';
import { keyLabel } from './keys.js';
import { decisionOf, standingFor } from './lifecycle.js';
import { presentKeys } from './match.js';
import type { PlanOptions } from './types.js';

/**
 * What a sync state holds per key: the fingerprint of the payload last sent, then (since state
 * version 2) the names of the fields it carried — field names only, no values, no personal data.
 */
export function lastSent(entry: string | undefined): { fingerprint: string; fields: string[] | undefined } | undefined {
  if (entry === undefined) return undefined;
  const [fp = '', names] = entry.split(' ');
  return { fingerprint: fp, fields: names === undefined ? undefined : names.split(',').filter(Boolean) };
}

/** Lookups in flight while a blind plan tells new records from known ones. */
const LOOKUPS_IN_FLIGHT = 8;

interface BlindRow {
  record: CanonicalRecord;
  key: string;
  values: CanonicalValues;
  sends: string;
  last: ReturnType<typeof lastSent>;
  exists?: boolean;
  /** A joiner not yet due, or a leaver (whose payload carries the platform's inactive state). */
  dated?: ReturnType<typeof standingFor>;
}

/**
 * Without the target's records: a row is sent when what would be sent differs from what was last sent
 * successfully (or was never sent). Only fields present are sent — never a blank, unless --blank clear,
 * because such a platform overwrites every field it is sent. A row with no state (a fresh CI runner)
 * is looked up by its key, so that one already on the platform is an update, not a "create". A field
 * sent last time but absent now is said in a note: what the platform does with it is not documented.
 */
export async function planBlind(target: Connection, input: readonly CanonicalRecord[], keys: readonly string[], fields: FieldSet, options: PlanOptions, canary: Canary, draft: Draft): Promise<void> {
  const rows = changedRows(target.writer!, input, keys, fields, options, canary, draft);
  await markKnown(target, rows, keys);
  const dropped = new Map<string, number>();
  for (const row of rows) {
    for (const field of row.last?.fields ?? []) if (!(field in row.values)) dropped.set(field, (dropped.get(field) ?? 0) + 1);
    const known = row.last !== undefined || row.exists === true;
    const left = row.dated?.standing.kind === 'left';
    // Never sent and not on the platform: a joiner not yet due waits, a leaver is not created.
    if (row.dated && !known) {
      draft.lifecycle.push(decisionOf(row.record, row.key, row.dated, left ? 'absent' : 'waiting'));
      continue;
    }
    if (row.dated) draft.lifecycle.push(decisionOf(row.record, row.key, row.dated, left ? 'deactivate' : 'update'));
    if (!left && !canary.spend()) {
      draft.count(row.record.entity, 'skipped');
      continue;
    }
    const action = left ? 'deactivate' : known ? 'update' : 'create';
    draft.add({ action, entity: row.record.entity, key: row.key, values: row.values, sends: row.sends, file: row.record.file, line: row.record.line, source: row.record.source, ...(row.record.mapped ? { mapped: row.record.mapped } : {}), ...(left ? { because: 'leaver' as const } : {}) });
  }
  for (const [field, count] of dropped) draft.notes.push({ code: 'blank_not_sent', target: target.label, field, count });
}

/** The rows whose payload differs from what was last sent (the others are unchanged). */
function changedRows(writer: TargetWriter, input: readonly CanonicalRecord[], keys: readonly string[], fields: FieldSet, options: PlanOptions, canary: Canary, draft: Draft): BlindRow[] {
  const rows: BlindRow[] = [];
  for (const record of input) {
    const present = presentKeys(record, keys, canary, draft);
    if (!present) continue;
    const key = syncKey(record, present);
    const values: CanonicalValues = {};
    for (const [f, v] of Object.entries(record.values)) if (fields.has(f) && (v !== null || options.blank === 'clear')) values[f] = v;
    // A leaver is sent as the platform's inactive state (with their end date, where it holds one).
    const dated = standingFor(record, options.lifecycle);
    const deactivation = writer.deactivation(record.entity);
    if (dated?.standing.kind === 'left' && deactivation) values[deactivation.field] = deactivation.value;
    const fp = fingerprint(values);
    const last = lastSent(options.synced!.get(key));
    if (last?.fingerprint === fp) {
      if (dated) draft.lifecycle.push(decisionOf(record, key, dated, dated.standing.kind === 'left' ? 'deactivated' : 'unchanged'));
      draft.count(record.entity, 'unchanged');
      continue;
    }
    if (dated?.standing.kind === 'left' && !deactivation) {
      draft.lifecycle.push(decisionOf(record, key, dated, 'cannot'));
      continue;
    }
    rows.push({ record, key, values, sends: `${fp} ${Object.keys(values).sort().join(',')}`, last, ...(dated ? { dated } : {}) });
  }
  return rows;
}

/** Never sent from here: is it on the platform already? (A lookup finds it by one of its keys.) */
async function markKnown(target: Connection, rows: BlindRow[], keys: readonly string[]): Promise<void> {
  await runPool(rows.filter((r) => r.last === undefined), LOOKUPS_IN_FLIGHT, async (row) => {
    for (const field of keys) {
      const value = row.record.values[field];
      if (typeof value !== 'string' || !value.trim()) continue;
      if (await target.writer!.lookup(row.record.entity, { field, value: value.trim() })) {
        row.exists = true;
        return;
      }
    }
  });
}

/** The key a sync state keeps a row's last payload under: its first present match key, normalised ("externalId=E1001"). */
export function syncKey(record: CanonicalRecord, present: readonly string[]): string {
  return keyLabel(present[0]!, Object.fromEntries(present[0]!.split('+').map((f) => [f, keyValue(f, record.values[f] as string)])));
}
