import { withValues, type CanonicalRecord, type CanonicalValues, type FieldValue } from '../model/canonical.js';
import type { Entity } from '../model/entities.js';
import { keyValue } from '../model/keys.js';
import type { TargetWriter } from '../ports.js';
import { same } from './compare.js';
import { sameRecord, type TargetRecords } from './row-sets.js';

/** The values an approver-like field names: emails of `{email}` items, or the string itself. */
export function named(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => (typeof v === 'string' ? [v] : v && typeof v === 'object' && typeof (v as { email?: unknown }).email === 'string' ? [(v as { email: string }).email] : []));
  return [];
}

export type Holder = (value: string) => CanonicalValues | undefined;
export interface Holders {
  now: Holder;
  next: Holder;
  /** Whether a row of this run's valid input has the key value (a record this run creates or keeps). */
  written: (value: string) => boolean;
  /** The platform stores the named record's id: a new key naming the same record is no change. */
  byId: boolean;
}

/**
 * For each reference to records of the same entity (writtenAfter: a manager, an approver), who holds
 * a key value now, who will once this run is applied — the target record whose input row has that
 * value (the one record that row's keys found, `hitsOf`), else the record that has it now — and
 * whether a row of this run has it at all.
 */
export function holdersByKey(
  writer: TargetWriter, entity: Entity, existing: TargetRecords, hitsOf: Iterable<readonly [CanonicalRecord, ReadonlySet<CanonicalValues>]>,
  input: Iterable<CanonicalRecord> = [...hitsOf].map(([record]) => record), inputFields?: ReadonlySet<string>,
): Map<string, Holders> {
  const out = new Map<string, Holders>();
  for (const ref of writer.writtenAfter?.(entity) ?? []) {
    // No row has the field at all (known without reading them): no holder is ever asked about.
    const wanted = inputFields && !inputFields.has(ref.field) ? new Set<string>() : namedKeys(ref, existing, input);
    const current = new Map<string, CanonicalValues>();
    const future = new Map<string, CanonicalValues>();
    const inInput = new Set<string>();
    const key = (value: unknown) => (typeof value === 'string' && value ? keyValue(ref.key, value) : undefined);
    if (wanted.size)
      for (const row of existing) {
        const k = key(row[ref.key]);
        if (k !== undefined && wanted.has(k)) current.set(k, row);
      }
    if (wanted.size)
      for (const [record, hits] of hitsOf) {
        const k = key(record.values[ref.key]);
        if (k === undefined || !wanted.has(k)) continue;
        inInput.add(k);
        if (hits.size === 1) future.set(k, [...hits][0]!);
      }
    const now: Holder = (v) => current.get(keyValue(ref.key, v));
    out.set(ref.field, { now, next: (v) => future.get(keyValue(ref.key, v)) ?? now(v), written: (v) => inInput.has(keyValue(ref.key, v)), byId: ref.byId === true });
  }
  return out;
}

/**
 * The key values a holder is ever asked about (see unheld, sameHolder): those a row of the input names
 * in the reference's field and, when any does, those the target's records name there now (a reference
 * whose old value names the same record as its new one). The rest of the records are not held: a
 * million people with a few thousand managers, or none named, hold those few (issue 22 goal 4).
 */
function namedKeys(ref: { field: string; key: string }, existing: TargetRecords, input: Iterable<CanonicalRecord>): Set<string> {
  const wanted = new Set<string>();
  // Every row's, made or not: more keys than needed only keeps a few more records.
  for (const record of input) for (const v of named(record.values[ref.field])) wanted.add(keyValue(ref.key, v));
  if (wanted.size) for (const row of existing) for (const v of named(row[ref.field])) wanted.add(keyValue(ref.key, v));
  return wanted;
}

/**
 * A reference to a record that will not exist once this run is applied — not on the target, not in
 * this run's valid rows (its own row was left out as invalid): sending it would fail the whole row
 * ("the manager is not a user"), so the reference alone is left as it is, and `unset` says which row.
 */
export function unheld(holders: Holders | undefined, value: FieldValue | null, record: CanonicalRecord, unset: string[]): boolean {
  if (!holders || typeof value !== 'string' || !value || holders.now(value) || holders.written(value)) return false;
  unset.push(`${record.file}:${record.line} names ${value}`);
  return true;
}

/** A reference whose old and new key values name the same record: on a platform that stores its id, no change. */
export function sameHolder(holders: Holders | undefined, from: FieldValue | null, to: FieldValue | null): boolean {
  if (!holders?.byId || typeof from !== 'string' || typeof to !== 'string' || !from || !to) return false;
  const before = holders.now(from);
  return before !== undefined && sameRecord(before, holders.next(to));
}

/**
 * For a target planned blind (it cannot be listed): a reference that must name an active record
 * (writtenAfter's `active`: Springest approvers) but names a person whom this run's rows say is
 * inactive (their row carries the platform's inactive state) would fail the whole row at apply ("not an
 * active user") and be planned again every run. That reference alone is taken out of the row (an
 * approver list keeps the others), and `unset` says which row named whom. The rows are copies.
 */
export function withoutInactiveReferences(writer: TargetWriter, entity: Entity, input: readonly CanonicalRecord[], unset: string[]): CanonicalRecord[] {
  const refs = (writer.writtenAfter?.(entity) ?? []).filter((r) => r.active);
  const off = writer.deactivation(entity);
  if (!refs.length || !off) return [...input];
  const inactive = new Map<string, Set<string>>();
  for (const { key } of refs) {
    const out = new Set<string>();
    for (const r of input) if (typeof r.values[key] === 'string' && r.values[off.field] !== undefined && r.values[off.field] !== null && same(off.field, r.values[off.field], off.value)) out.add(keyValue(key, r.values[key] as string));
    inactive.set(key, out);
  }
  return input.map((record) => {
    let values = record.values;
    for (const { field, key } of refs) {
      const gone = named(values[field]).filter((v) => inactive.get(key)!.has(keyValue(key, v)));
      if (!gone.length) continue;
      values = { ...values };
      const left = Array.isArray(values[field]) ? (values[field] as unknown[]).filter((v) => !gone.includes(named([v])[0] ?? '')) : undefined;
      if (left?.length) values[field] = left as CanonicalValues[string];
      else delete values[field];
      unset.push(`${record.file}:${record.line} names ${gone.join(', ')}`);
    }
    return values === record.values ? record : withValues(record, values);
  });
}
