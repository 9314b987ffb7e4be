import type { CanonicalRecord, CanonicalValues } from '../model/canonical.js';
import { SINGULAR, type Entity } from '../model/entities.js';
import type { TargetWriter } from '../ports.js';
import { same } from './compare.js';
import type { FieldSet } from './diff.js';
import type { Draft } from './draft.js';
import { keyLabel, keyOf } from './keys.js';
import { standingFor } from './lifecycle.js';
import type { Change, LifecycleOptions, OnNewHrId } from './types.js';

/**
 * Who a row is (issue 23 items 5 and 6). The HR id names a person for good; an email is an attribute
 * that changes. A row found by its HR id keeps its account whatever else changes; a row whose HR id is
 * new but whose other keys find an account with another HR id is not silently given that account.
 */
export const HR_ID = 'externalId';

/** The key that found a row's record: its field(s) ("email") and how a person reads it ("email=a@b.co"). */
export interface Found {
  key: string;
  label: string;
}

/**
 * A row whose HR id differs from the one of the account its other keys found (a contractor made an
 * employee, a rehire under a new id): the conflict's message, or undefined when it is the same HR id,
 * either has none (an account not yet linked is linked), the match does not use the HR id, or the target
 * adopts such records (`onNewHrId: adopt`). Only people: the HR id of a company is not a person's.
 */
export function newHrIdConflict(record: CanonicalRecord, hit: CanonicalValues, keys: readonly string[], found: Found, onNewHrId: OnNewHrId = 'conflict'): string | undefined {
  if (onNewHrId === 'adopt' || !newHrId(record, hit, keys)) return undefined;
  return `${keyLabel(HR_ID, record.values)} is a new HR id, but ${found.label} finds ${SINGULAR[record.entity]} id ${String(hit.id)}, whose ${HR_ID} is ${String(hit[HR_ID]).trim()}: the same person under a new HR id (a conversion, or a rehire under a new id)? Nothing is written for it until a person decides`;
}

function newHrId(record: CanonicalRecord, hit: CanonicalValues, keys: readonly string[]): boolean {
  if (record.entity !== 'users' || !keys.includes(HR_ID)) return false;
  const mine = keyOf(HR_ID, record.values);
  const theirs = keyOf(HR_ID, hit);
  return mine !== undefined && theirs !== undefined && mine !== theirs;
}

/**
 * Keys of one row that find different records: a new email (say) that belongs to another account. The
 * message names both records; with more than two, each key and the record it found.
 */
export function keyTakenMessage(record: CanonicalRecord, hits: ReadonlyMap<CanonicalValues, Found>): string {
  const [[mine, first], [other, second]] = [...hits] as Array<[CanonicalValues, Found]> as [[CanonicalValues, Found], [CanonicalValues, Found]];
  const one = SINGULAR[record.entity];
  if (hits.size > 2) return `${[...hits.values()].map((f) => f.label).join(' and ')} match different ${record.entity} (${[...hits.keys()].map((h) => `id ${String(h.id)}`).join(', ')}): nothing is written for any of them`;
  const shown = (row: CanonicalValues, field: string) => (typeof row[field] === 'string' && row[field] ? ` (${field} ${String(row[field]).trim()})` : '');
  return `${first.label} finds ${one} id ${String(mine.id)}${shown(mine, second.key)}, but its ${second.label} belongs to another ${one}, id ${String(other.id)}${shown(other, first.key)}: nothing is written for either`;
}

/**
 * Says why the changes of a matched row are about who the person is, and adds the one a rehire needs:
 * an account deactivated on the target whose person is active in HR again (the row does not say the
 * platform's inactive state) is reactivated — the platform's own way back (writer.deactivation's
 * `active`), never a second account — once their start date is due, as a joiner's account is made
 * (see due). A match key that changes on a person found by another key is the
 * same person's new key (an email change); the HR id an account takes is adopted (see newHrIdConflict).
 */
export function explainIdentity(writer: TargetWriter, record: CanonicalRecord, hit: CanonicalValues, keys: readonly string[], found: Found, fields: FieldSet, changes: Change[], lifecycle?: LifecycleOptions): Change[] {
  for (const change of changes) {
    if (change.field === HR_ID && newHrId(record, hit, keys)) change.reason = { code: 'adopted', by: found.label };
    else if (change.field !== HR_ID && change.field !== found.key && keys.includes(change.field) && filled(change.from) && filled(change.to)) change.reason = { code: 'same_person', by: found.key };
  }
  const off = writer.deactivation(record.entity);
  if (!off || off.active === undefined || !fields.has(off.field) || !same(off.field, hit[off.field], off.value)) return changes;
  const asked = record.values[off.field];
  if (filled(asked) && same(off.field, asked, off.value)) return changes; // HR says inactive too
  const own = changes.findIndex((c) => c.field === off.field);
  if (!due(record, lifecycle)) return own >= 0 ? changes.filter((_, i) => i !== own) : changes; // a rehire waits for their start, whatever their HR status says
  if (own >= 0 && filled(changes[own]!.to)) changes[own]!.reason = { code: 'rehire' };
  else {
    if (own >= 0) changes.splice(own, 1); // a blank sent with blank clear: the way back instead
    changes.push({ field: off.field, from: hit[off.field] ?? null, to: off.active, reason: { code: 'rehire' } });
  }
  return changes;
}

/** A note when rows of `entity` were left for review for a new HR id: the CLI says how a target adopts them. */
export function reviewNewHrIds(target: string, entity: Entity, draft: Draft): void {
  const count = draft.conflicts.filter((c) => c.entity === entity && c.code === 'new_hr_id').length;
  if (count) draft.notes.push({ code: 'new_hr_id_review', target, entity, count });
}

/**
 * Whether a person's dates let their account be active now: not a joiner still waiting for their start
 * date (createDaysBefore), nor a leaver. Without a clock (no lifecycle options) or dates, they do.
 */
export function due(record: CanonicalRecord, lifecycle: LifecycleOptions | undefined): boolean {
  const kind = standingFor(record, lifecycle)?.standing.kind;
  return kind !== 'waiting' && kind !== 'left';
}

const filled = (value: unknown) => value !== null && value !== undefined && value !== '';
