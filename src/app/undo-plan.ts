import type { CanonicalValues } from '../core/model/canonical.js';
import type { Entity } from '../core/model/entities.js';
import { ENTITIES, SINGULAR } from '../core/model/entities.js';
import { same } from '../core/plan/compare.js';
import { Draft } from '../core/plan/draft.js';
import { inRunOrder } from '../core/plan/order.js';
import { fingerprint, type Change, type PlannedOp } from '../core/plan/plan.js';
import { protectedBy } from '../core/plan/policy.js';
import type { PolicyOptions } from '../core/plan/types.js';
import type { JournalEntry, Connection } from '../core/ports.js';

/** A journal entry to undo, with where it is (for messages and the plan's rows) and the record it is about as the target holds it now. */
export interface UndoItem {
  entry: JournalEntry & { entity: Entity };
  /** The journal's file (or the state database) and the entry's line in it. */
  file: string;
  line: number;
  /** The record now: undefined when it is not there (or cannot be read back). */
  current: CanonicalValues | undefined;
}

/** What cannot be undone, said plainly: one line per reason, with how many and the first few. */
export class Cannot {
  private readonly reasons = new Map<string, string[]>();
  add(reason: string, key: string): void {
    this.reasons.set(reason, [...(this.reasons.get(reason) ?? []), key]);
  }
  lines(): string[] {
    return [...this.reasons].map(([reason, keys]) => `not undone: ${keys.length} ${keys.length === 1 ? 'write' : 'writes'} — ${reason} (${keys.slice(0, 3).join('; ')}${keys.length > 3 ? '; …' : ''})`);
  }
}

export interface UndoChoices {
  /** Created records are deleted rather than deactivated. */
  delete: boolean;
  /** The target's policy: a protected account is never deactivated or deleted, not by an undo either. */
  policy?: PolicyOptions;
}

/**
 * The decisions of an undo, one journal entry at a time (the run's last write first): each is
 * checked against the record as the target holds it now, so a field someone changed since the run
 * is a conflict — never overwritten — and what is already as it was is unchanged (undoing twice does
 * nothing the second time).
 */
export class UndoDraft {
  readonly draft = new Draft(0);
  readonly cannot = new Cannot();
  /** Records re-created (their old id is gone): for the connector's notes on creates. */
  readonly recreated: CanonicalValues[] = [];

  constructor(private readonly target: Connection, private readonly choices: UndoChoices) {}

  add(item: UndoItem): void {
    const { entry } = item;
    if (entry.status === 'unknown') return this.cannot.add('its outcome was unknown (sent, never confirmed): check the record by hand', entry.key);
    if (entry.status !== 'ok') return; // failed or not sent: nothing to undo
    if (entry.action === 'update') return this.update(item);
    if (entry.action === 'create') return this.create(item);
    if (entry.action === 'deactivate') return this.reactivate(item);
    return this.recreate(item);
  }

  /** Operations in the order a run makes them. */
  operations(): PlannedOp[] {
    return inRunOrder(this.draft.ops);
  }

  private base(item: UndoItem): Pick<PlannedOp, 'entity' | 'key' | 'file' | 'line'> {
    return { entity: item.entry.entity, key: item.entry.key, file: item.file, line: item.line };
  }

  private conflict(item: UndoItem, message: string): void {
    this.draft.conflicts.push({ ...this.base(item), file: item.file, line: item.line, message });
  }

  /** Whether a field can be written (a re-created record gets only those): the target's own, less its read-only ones; its custom fields where it has them. */
  private writable(entity: Entity, field: string): boolean {
    if (this.target.writer!.readOnly(entity).includes(field)) return false;
    return Object.hasOwn(this.target.wire[entity] ?? {}, field) || (this.target.customFields?.includes(entity) === true && field.startsWith('custom.'));
  }

  /** A platform that finds records by key (it cannot be read back by id): the keys go with every write. */
  private keysOf(entity: Entity, ...records: Array<CanonicalValues | undefined>): CanonicalValues {
    if (this.target.can.list || this.target.can.lookupRecords) return {};
    const keys: CanonicalValues = {};
    for (const field of [...this.target.writer!.matchKeys(entity), 'sites'])
      for (const record of records) if (record?.[field] !== undefined && record[field] !== null && keys[field] === undefined) keys[field] = record[field]!;
    return keys;
  }

  /** Each field the run changed, back to its value before — unless someone changed it since (a conflict). */
  private update(item: UndoItem): void {
    const { entry, current } = item;
    if (!entry.changes) {
      const why = this.target.can.list || this.target.can.lookupRecords ? 'its journal line holds no values from before (a run made before hrsync kept them)' : `${this.target.label} cannot be read back, so the values the update replaced were never known`;
      return this.cannot.add(why, entry.key);
    }
    if (!current) return this.conflict(item, `${SINGULAR[entry.entity]} ${entry.key} no longer exists: its update cannot be undone`);
    const changes: Change[] = [];
    const changed: string[] = [];
    for (const change of entry.changes) {
      const now = current[change.field] ?? null;
      if (same(change.field, now, change.from)) continue; // as it was already
      if (same(change.field, now, change.to)) changes.push({ field: change.field, from: now, to: change.from });
      else changed.push(`${change.field} is now ${shown(now)}, the run set ${shown(change.to)}`);
    }
    if (changed.length) this.conflict(item, `changed on ${this.target.label} since the run, left as it is: ${changed.join('; ')}`);
    if (changes.length === 0) {
      if (!changed.length) this.draft.count(entry.entity, 'unchanged');
      return;
    }
    const values = { ...this.keysOf(entry.entity, current), ...Object.fromEntries(changes.map((c) => [c.field, c.to])) };
    this.draft.add({ ...this.base(item), action: 'update', id: String(current.id ?? entry.id), values, changes, fingerprint: fingerprint(current) });
  }

  /** A record the run created: deactivated (or deleted, when asked or when the platform has no deactivation and deleting was asked). */
  private create(item: UndoItem): void {
    const { entry, current } = item;
    const writer = this.target.writer!;
    if (!current) return this.draft.count(entry.entity, 'unchanged'); // gone already
    const by = protectedBy(current, entry.entity, this.choices.policy);
    if (by) return this.cannot.add(`the account is protected by ${this.target.label}'s policy (${by.field}=${String(by.value)}): never deactivated or deleted, not by an undo either`, entry.key);
    const deactivation = writer.deactivation(entry.entity);
    const id = String(current.id ?? entry.id ?? '');
    if (this.choices.delete) {
      if (!writer.canDelete(entry.entity)) return this.cannot.add(`${this.target.label} cannot delete ${entry.entity} through its API (undo without --delete deactivates them)`, entry.key);
      return this.draft.add({ ...this.base(item), action: 'delete', id, fingerprint: fingerprint(current) });
    }
    if (!deactivation) return this.cannot.add(`${this.target.label} cannot deactivate ${entry.entity}: the records the run created stay (undo --delete deletes them)`, entry.key);
    if (same(deactivation.field, current[deactivation.field], deactivation.value)) return this.draft.count(entry.entity, 'unchanged');
    const key = writer.matchKeys(entry.entity).find((k) => typeof current[k] === 'string' && current[k]);
    const values = { ...(key ? { [key]: current[key]! } : {}), ...this.keysOf(entry.entity, current, entry.after) };
    this.draft.add({ ...this.base(item), action: 'deactivate', id, values, fingerprint: fingerprint(current) });
  }

  /** A record the run deactivated: its status back to what it was before — unless it changed since. */
  private reactivate(item: UndoItem): void {
    const { entry, current } = item;
    const deactivation = this.target.writer!.deactivation(entry.entity);
    if (!current) return this.conflict(item, `${SINGULAR[entry.entity]} ${entry.key} no longer exists: it cannot be reactivated`);
    const was = entry.before?.[deactivation?.field ?? ''];
    if (!deactivation || was === undefined) return this.cannot.add('the record as it was before its deactivation was not kept (it could not be read back)', entry.key);
    const now = current[deactivation.field] ?? null;
    if (same(deactivation.field, now, was)) return this.draft.count(entry.entity, 'unchanged');
    if (!same(deactivation.field, now, deactivation.value)) return this.conflict(item, `changed on ${this.target.label} since the run, left as it is: ${deactivation.field} is now ${shown(now)}, the run set ${shown(deactivation.value)}`);
    const values = { ...this.keysOf(entry.entity, current, entry.before), [deactivation.field]: was };
    this.draft.add({ ...this.base(item), action: 'update', id: String(current.id ?? entry.id), values, changes: [{ field: deactivation.field, from: now, to: was }], fingerprint: fingerprint(current) });
  }

  /** A record the run deleted: made again from its record as it was, where the platform can create it (with a new id). */
  private recreate(item: UndoItem): void {
    const { entry, current } = item;
    if (current) return this.draft.count(entry.entity, 'unchanged'); // there again (re-created already)
    if (!entry.before) return this.cannot.add('the deleted record was not kept (it could not be read back before its delete)', entry.key);
    const values = Object.fromEntries(Object.entries(entry.before).filter(([f, v]) => f !== 'id' && this.writable(entry.entity, f) && v !== null && v !== ''));
    this.recreated.push(values);
    this.draft.add({ ...this.base(item), action: 'create', values });
  }
}

function shown(value: unknown): string {
  return value === null || value === undefined || value === '' ? '(blank)' : JSON.stringify(value);
}

/** A journal entry's entity, when it is one hrsync knows. */
export function isEntity(value: string): value is Entity {
  return (ENTITIES as readonly string[]).includes(value);
}
