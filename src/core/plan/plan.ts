import { createHash, createHmac } from 'node:crypto';
import type { CanonicalRecord, CanonicalValues, FieldValue, RawValue } from '../model/canonical.js';
import { DEPENDENCY_ORDER, SINGULAR, type Entity } from '../model/entities.js';
import type { Target, TargetWriter, WriteAction } from '../ports.js';
import { same } from './compare.js';
import { countryCode, normaliseCountry } from '../model/countries.js';
import { isCustomField } from '../model/fields.js';
import { keyValue } from '../model/keys.js';
import { runPool } from '../../shared/pool.js';

export interface Change {
  field: string;
  from: FieldValue | null;
  to: FieldValue | null;
}

export interface PlannedOp {
  action: WriteAction;
  entity: Entity;
  /** How a person finds the record: "externalId=E1001" or the target id. */
  key: string;
  /** The target's id (update, deactivate, delete). */
  id?: string;
  /** What to send: every field for a create, the changed ones for an update. */
  values?: CanonicalValues;
  changes?: Change[];
  /** The input row it comes from (creates and updates). */
  file?: string;
  line?: number;
  source?: Record<string, RawValue>;
  /** Fingerprint of the target record when planned (updates, deactivations, deletes). */
  fingerprint?: string;
  /** For a target that cannot be listed: the fingerprint of what is sent, kept once it succeeds. */
  sends?: string;
  /** Keys of operations of this plan that must have succeeded before this one is sent (its approvers' creates). */
  after?: string[];
  /** Field → the value as the input wrote it, where the mapping file's value lookup changed it. */
  mapped?: Record<string, string>;
}

export interface Conflict {
  entity: Entity;
  file: string;
  line: number;
  /** How a person finds the row: "externalId=E1001" (empty when it has no key). */
  key: string;
  message: string;
  /** The row as read, for failed.csv. */
  source?: Record<string, RawValue>;
  /** A key of the row finds two records or more on the target: a duplicate there, not in the input. */
  duplicateOnTarget?: boolean;
}

export interface PlanSummary {
  create: number;
  update: number;
  deactivate: number;
  delete: number;
  unchanged: number;
  invalid: number;
  conflicts: number;
  /** Rows left out by --only or --limit. */
  skipped: number;
}

export interface Plan {
  version: 3;
  /** The target's label, and the name `hrsync apply` opens it by. */
  target: string;
  targetName: string;
  /** Which account it was made against (type and where): `hrsync apply` refuses another. */
  targetIdentity: string;
  createdAt: string;
  operations: PlannedOp[];
  conflicts: Conflict[];
  summary: PlanSummary;
  /** The same counts per entity in the input (invalid: the rows left out of that entity's files). */
  byEntity?: Partial<Record<Entity, PlanSummary>>;
  /** Notes a person should read: e.g. why missing records were not looked at. */
  notes: string[];
}

/** Counts a row that makes no operation, in the total and for its entity. */
type Count = (entity: Entity, kind: 'unchanged' | 'skipped') => void;

export type MissingPolicy = 'ignore' | 'deactivate' | 'delete';

export interface PlanOptions {
  /** Ordered match keys, overriding the target's defaults. */
  match?: string[];
  missing: MissingPolicy;
  /** Most missing records acted on before the run stops: a count, or a fraction of the target's records. */
  maxMissing: { count: number } | { fraction: number };
  blank: 'ignore' | 'clear';
  /** Only rows whose match key has one of these values. */
  only?: string[];
  /** At most this many creates and updates. */
  limit?: number;
  /** The input holds only what changed lately (--from … --since): missing records mean nothing. */
  incremental?: boolean;
  /** Rows left out of the plan because they are invalid. */
  invalid: number;
  /**
   * Rows read but left out (invalid, duplicates): still the people they name. A target record one of
   * their keys finds is neither written nor counted missing — an invalid row never gets its person
   * deactivated.
   */
  leftOut?: CanonicalRecord[];
  /**
   * For a target that cannot be listed: record key → fingerprint of the last payload sent
   * successfully. Rows are compared with it instead of with the target's records.
   */
  synced?: Map<string, string>;
  /**
   * Entities whose current records were found by looking each input row up (a target that cannot
   * list them): what the input lacks cannot be known, so --missing does nothing for them.
   */
  lookedUp?: ReadonlySet<Entity>;
  /** Where phone numbers without a country prefix are from when a row names no country (ISO alpha-2). */
  phoneRegion?: string;
}

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

/** A short stable digest of a record, to tell later whether it changed. */
export function fingerprint(values: CanonicalValues): string {
  const sorted = Object.keys(values).sort().map((k) => [k, values[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}

const keyText = (field: string, value: string) => `${field}=${value}`;

/**
 * A match key's value in a record, in the form it is compared in: one field's, or for a compound key
 * ("userId+courseDateId") every part's, joined. Undefined when the record lacks it (or any part).
 */
function keyOf(key: string, values: CanonicalValues): string | undefined {
  const parts: string[] = [];
  for (const field of key.split('+')) {
    const v = values[field];
    if (typeof v !== 'string' || !v.trim()) return undefined;
    parts.push(keyValue(field, v));
  }
  return parts.join('\u0000');
}

/** How a person reads a record's key: "externalId=E1001", or "userId=pebrid courseDateId=12368". */
function keyLabel(key: string, values: CanonicalValues): string {
  return key.split('+').map((f) => keyText(f, String(values[f]).trim())).join(' ');
}

/** The fields a plan may write for an entity: the wire map's, less the read-only ones, and custom fields where the target holds them. */
function writableFields(target: Target, entity: Entity): FieldSet {
  const readOnly = new Set(target.writer?.readOnly(entity) ?? []);
  const fields = new Set(Object.keys(target.wire[entity] ?? {}).filter((f) => !readOnly.has(f)));
  const custom = target.customFields?.includes(entity) === true;
  return { has: (field) => fields.has(field) || (custom && isCustomField(field)) };
}

interface FieldSet {
  has(field: string): boolean;
}

/**
 * The smallest set of writes that makes the target say what the input says. Each input record is
 * matched on ordered keys: keys that point at different records are a conflict, reported, never
 * guessed. Only the fields present in the input are compared (blank cells leave values alone unless
 * --blank clear), after normalising, so an unchanged record costs nothing. Records on the target that
 * the input lacks are left alone, deactivated or deleted as asked — unless there are more of them than
 * --max-missing allows. Creates and updates run groups → companies → users; removals in reverse.
 */
export async function buildPlan(target: Target, records: CanonicalRecord[], options: PlanOptions, current: Map<Entity, CanonicalValues[]>): Promise<Plan> {
  const writer = target.writer!;
  const ops: PlannedOp[] = [];
  const conflicts: Conflict[] = [];
  const summary: PlanSummary = { create: 0, update: 0, deactivate: 0, delete: 0, unchanged: 0, invalid: options.invalid, conflicts: 0, skipped: 0 };
  /** Rows that make no operation, per entity: unchanged, or left out by --only/--limit. */
  const quiet = new Map<Entity, { unchanged: number; skipped: number }>();
  const count: Count = (entity, kind) => {
    summary[kind]++;
    const q = quiet.get(entity) ?? { unchanged: 0, skipped: 0 };
    q[kind]++;
    quiet.set(entity, q);
  };
  const notes: string[] = [];
  const partial = options.only !== undefined || options.limit !== undefined || options.incremental === true;
  let budget = options.limit ?? Infinity;

  for (const entity of DEPENDENCY_ORDER) {
    const input = records.filter((r) => r.entity === entity);
    if (input.length === 0) continue;
    const existing = current.get(entity) ?? [];
    const keys = options.match ?? [...writer.matchKeys(entity)];
    // Every target record each key value finds: more than one is a duplicate on the target.
    const indexes = new Map(keys.map((k) => [k, new Map<string, CanonicalValues[]>()]));
    for (const row of existing)
      for (const k of keys) {
        const value = keyOf(k, row);
        if (value === undefined) continue;
        const index = indexes.get(k)!;
        const rows = index.get(value);
        if (rows) rows.push(row);
        else index.set(value, [row]);
      }
    const find = (k: string, values: CanonicalValues): CanonicalValues[] => {
      const value = keyOf(k, values);
      return value === undefined ? [] : (indexes.get(k)!.get(value) ?? []);
    };
    const fields = writableFields(target, entity);
    const createOnly = new Set(writer.createOnly?.(entity) ?? []);
    const created: CanonicalValues[] = [];
    const matched = new Map<CanonicalValues, CanonicalRecord>();
    /** Target records a row of the input refers to, planned or not: never "missing". */
    const held = new Set<CanonicalValues>();
    for (const record of options.leftOut ?? []) if (record.entity === entity) for (const k of keys) for (const row of find(k, record.values)) held.add(row);
    if (options.synced) {
      await planBlind(target, input, keys, fields, options, ops, summary, count, conflicts, notes, () => budget-- > 0);
      if (options.missing !== 'ignore') notes.push(`${target.label} cannot be listed: records missing from the input cannot be found, so --missing ${options.missing} did nothing`);
      continue;
    }

    // Every target record each row's keys name: one named by two rows or more (even if one of them is a
    // conflict for another reason) is written by none of them — the first row must not win by its place.
    const claims = new Map<CanonicalValues, CanonicalRecord[]>();
    const hitsOf = new Map<CanonicalRecord, Set<CanonicalValues>>();
    for (const record of input) {
      const hitsOfRow = new Set(keys.flatMap((k) => find(k, record.values)));
      hitsOf.set(record, hitsOfRow);
      for (const hit of hitsOfRow) claims.set(hit, [...(claims.get(hit) ?? []), record]);
    }
    const byIdRefs = holdersByKey(writer, entity, existing, hitsOf);
    /** Rows whose reference names a record neither on the target nor written by this run: left unset, said in a note. */
    const unset: string[] = [];

    for (const record of input) {
      const present = presentKeys(record, keys, options, count, conflicts);
      if (!present) continue;
      const hits = new Map<CanonicalValues, string>();
      let duplicate: string | undefined;
      for (const k of present) {
        const found = find(k, record.values);
        for (const hit of found) {
          held.add(hit);
          if (!hits.has(hit)) hits.set(hit, keyLabel(k, record.values));
        }
        if (found.length > 1) duplicate ??= `${keyLabel(k, record.values)} matches ${found.map((h) => `id ${String(h.id)}`).join(' and ')}`;
      }
      const describe = keyLabel(present[0]!, record.values);
      if (duplicate) {
        conflicts.push({ entity, file: record.file, line: record.line, key: describe, source: record.source, message: duplicate, duplicateOnTarget: true });
        continue;
      }
      if (hits.size > 1) {
        conflicts.push({ entity, file: record.file, line: record.line, key: describe, source: record.source, message: `${[...hits.values()].join(' and ')} match different ${entity} (${[...hits.keys()].map((h) => `id ${String(h.id)}`).join(', ')})` });
        continue;
      }
      const [hit] = [...hits.keys()];
      const others = hit ? (claims.get(hit) ?? []).filter((r) => r !== record) : [];
      if (hit && (others.length || matched.has(hit))) {
        const lines = others.length ? others.map((r) => (r.file === record.file ? `line ${r.line}` : `${r.file}:${r.line}`)) : [`line ${matched.get(hit)!.line}`];
        conflicts.push({ entity, file: record.file, line: record.line, key: describe, source: record.source, message: `${describe} matches the same record (id ${String(hit.id)}) as ${lines.join(' and ')}: none of them is written` });
        continue;
      }
      const base = { entity, file: record.file, line: record.line, source: record.source, ...(record.mapped ? { mapped: record.mapped } : {}) };
      if (!hit && writer.updatesOnly?.(entity)) {
        conflicts.push({ entity, file: record.file, line: record.line, key: describe, source: record.source, message: `no ${SINGULAR[entity]} on ${target.label} has ${describe}: hrsync only updates ${entity}, it never creates them` });
        continue;
      }
      if (!hit) {
        const values: CanonicalValues = {};
        for (const [f, v] of Object.entries(record.values)) if ((fields.has(f) || createOnly.has(f)) && v !== null && !unheld(byIdRefs.get(f), v, record, unset)) values[f] = v;
        if (budget-- <= 0) {
          count(entity, 'skipped');
          continue;
        }
        created.push(values);
        ops.push({ ...base, action: 'create', key: describe, values });
        summary.create++;
        continue;
      }
      matched.set(hit, record);
      const changes = changesOf(record, hit, fields, options, byIdRefs, unset);
      if (changes.length === 0) {
        count(entity, 'unchanged');
        continue;
      }
      if (budget-- <= 0) {
        count(entity, 'skipped');
        continue;
      }
      ops.push({ ...base, action: 'update', key: describe, id: String(hit.id), values: Object.fromEntries(changes.map((c) => [c.field, c.to])), changes, fingerprint: fingerprint(hit) });
      summary.update++;
    }

    notes.push(...(writer.describeCreates?.(entity, created) ?? []));
    if (unset.length)
      notes.push(`${unset.length} ${entity} name a record that is neither on ${target.label} nor among this run's valid rows (a manager whose own row was left out, or who left): that reference is left as it is, not sent (the first: ${unset.slice(0, 3).join('; ')}); fix the named record's row and run again`);
    if (options.missing === 'ignore') continue;
    if (writer.updatesOnly?.(entity)) {
      notes.push(`--missing ${options.missing} did nothing to ${entity}: hrsync only updates them (it never creates, deactivates or deletes ${entity})`);
      continue;
    }
    if (options.lookedUp?.has(entity)) {
      notes.push(`${target.label} cannot list ${entity}: each row was looked up, so records missing from the input cannot be found and --missing ${options.missing} did nothing`);
      continue;
    }
    if (partial) {
      notes.push(`--missing ${options.missing} was not applied to ${entity}: with --only, --limit or --since the input is not the whole population`);
      continue;
    }
    if (options.missing === 'delete' && !writer.canDelete(entity)) {
      notes.push(`${target.label} cannot delete ${entity} through its API: missing ${entity} were left alone`);
      continue;
    }
    const deactivation = writer.deactivation(entity);
    if (options.missing === 'deactivate' && !deactivation) {
      notes.push(`${target.label} cannot deactivate ${entity}: missing ${entity} were left alone (use --missing delete to remove them)`);
      continue;
    }
    const missing = existing.filter((row) => !matched.has(row) && !held.has(row) && !(deactivation && options.missing === 'deactivate' && same(deactivation.field, row[deactivation.field], deactivation.value)));
    const limit = 'count' in options.maxMissing ? options.maxMissing.count : Math.floor(existing.length * options.maxMissing.fraction);
    if (missing.length > limit)
      throw new MissingLimit(entity, missing.length, existing.length, limit, missing.slice(0, 10).map((r) => describeRecord(r, keys)));
    for (const row of missing) {
      const key = keys.find((k) => typeof row[k] === 'string' && row[k]);
      const values = options.missing === 'deactivate' && key ? { values: { [key]: row[key]! } } : {};
      ops.push({ action: options.missing, entity, key: describeRecord(row, keys), id: String(row.id), ...values, fingerprint: fingerprint(row) });
      summary[options.missing]++;
    }
  }
  orderByReferences(writer, ops, records, conflicts, summary);
  keepReferencedRecords(writer, ops, current, summary, notes);
  // Removals run after every create and update, users before the companies and groups they need.
  const removals = ops.filter((o) => o.action === 'deactivate' || o.action === 'delete');
  removals.sort((a, b) => DEPENDENCY_ORDER.indexOf(b.entity) - DEPENDENCY_ORDER.indexOf(a.entity));
  const ordered = [...ops.filter((o) => o.action === 'create' || o.action === 'update'), ...removals];
  summary.conflicts = conflicts.length;
  const byEntity: Partial<Record<Entity, PlanSummary>> = {};
  for (const entity of DEPENDENCY_ORDER) {
    const mine = ordered.filter((o) => o.entity === entity);
    const invalid = (options.leftOut ?? []).filter((r) => r.entity === entity).length;
    if (!records.some((r) => r.entity === entity) && !mine.length && !invalid) continue;
    const by = (action: WriteAction) => mine.filter((o) => o.action === action).length;
    byEntity[entity] = {
      create: by('create'), update: by('update'), deactivate: by('deactivate'), delete: by('delete'),
      unchanged: quiet.get(entity)?.unchanged ?? 0, invalid, conflicts: conflicts.filter((c) => c.entity === entity).length, skipped: quiet.get(entity)?.skipped ?? 0,
    };
  }
  const plan = { version: 3 as const, target: target.label, targetName: target.name, targetIdentity: target.identity, createdAt: new Date().toISOString(), operations: ordered, conflicts, summary, byEntity, notes };
  return plan;
}

/**
 * What a matched row changes on its record: each writable field the row has (a blank only with
 * --blank clear) whose value differs after normalising — a reference that names the same record, or
 * one that will not exist (see unheld), is no change.
 */
function changesOf(record: CanonicalRecord, hit: CanonicalValues, fields: FieldSet, options: PlanOptions, refs: Map<string, Holders>, unset: string[]): Change[] {
  const changes: Change[] = [];
  // A phone number without its country prefix is read in the row's country (else the config's phoneRegion).
  const country = typeof record.values.country === 'string' ? normaliseCountry(record.values.country) : undefined;
  const region = (country && countryCode(country)) || options.phoneRegion;
  for (const [f, v] of Object.entries(record.values)) {
    if (!fields.has(f) || f === 'id') continue;
    if (v === null && options.blank === 'ignore') continue;
    const now = hit[f] ?? null;
    if (v === null ? now === null || now === '' : same(f, v, now, region)) continue;
    if (sameHolder(refs.get(f), now, v) || unheld(refs.get(f), v, record, unset)) continue;
    changes.push({ field: f, from: now, to: v });
  }
  return changes;
}

type Holder = (value: string) => CanonicalValues | undefined;
interface Holders {
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
function holdersByKey(writer: TargetWriter, entity: Entity, existing: CanonicalValues[], hitsOf: ReadonlyMap<CanonicalRecord, ReadonlySet<CanonicalValues>>): Map<string, Holders> {
  const out = new Map<string, Holders>();
  for (const ref of writer.writtenAfter?.(entity) ?? []) {
    const current = new Map<string, CanonicalValues>();
    for (const row of existing) if (typeof row[ref.key] === 'string' && row[ref.key]) current.set(keyValue(ref.key, row[ref.key] as string), row);
    const future = new Map<string, CanonicalValues>();
    const inInput = new Set<string>();
    for (const [record, hits] of hitsOf) {
      const value = record.values[ref.key];
      if (typeof value !== 'string' || !value) continue;
      inInput.add(keyValue(ref.key, value));
      if (hits.size === 1) future.set(keyValue(ref.key, value), [...hits][0]!);
    }
    const now: Holder = (v) => current.get(keyValue(ref.key, v));
    out.set(ref.field, { now, next: (v) => future.get(keyValue(ref.key, v)) ?? now(v), written: (v) => inInput.has(keyValue(ref.key, v)), byId: ref.byId === true });
  }
  return out;
}

/**
 * A reference to a record that will not exist once this run is applied — not on the target, not in
 * this run's valid rows (its own row was left out as invalid): sending it would fail the whole row
 * ("the manager is not a user"), so the reference alone is left as it is, and `unset` says which row.
 */
function unheld(holders: Holders | undefined, value: FieldValue | null, record: CanonicalRecord, unset: string[]): boolean {
  if (!holders || typeof value !== 'string' || !value || holders.now(value) || holders.written(value)) return false;
  unset.push(`${record.file}:${record.line} names ${value}`);
  return true;
}

/** A reference whose old and new key values name the same record: on a platform that stores its id, no change. */
function sameHolder(holders: Holders | undefined, from: FieldValue | null, to: FieldValue | null): boolean {
  if (!holders?.byId || typeof from !== 'string' || typeof to !== 'string' || !from || !to) return false;
  const before = holders.now(from);
  return before !== undefined && before === holders.next(to);
}

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
function keepReferencedRecords(writer: TargetWriter, ops: PlannedOp[], current: Map<Entity, CanonicalValues[]>, summary: PlanSummary, notes: string[]): void {
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
        if (refersTo(value, op.id!)) holders.push(describeRecord(row, writer.matchKeys(entity) as string[]));
      }
      for (const create of ops) if (create.action === 'create' && create.entity === entity && refersTo(create.values?.[field], op.id!)) holders.push(create.key);
      if (holders.length) {
        blocked.add(op);
        const one = holders.length === 1;
        notes.push(`${SINGULAR[op.entity]} ${op.key} is not deleted: ${holders.length} ${one ? SINGULAR[entity] : entity} still ${one ? 'refers' : 'refer'} to it (${holders.slice(0, 3).join('; ')}${holders.length > 3 ? '; …' : ''}), and the platform refuses to delete it while ${one ? 'it does' : 'they do'}`);
        break;
      }
    }
  }
  for (const op of blocked) {
    ops.splice(ops.indexOf(op), 1);
    summary.delete--;
  }
}

/** JSON with every object's keys in order, so that a file reformatted by an editor digests the same. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value as object).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

/** The values an approver-like field names: emails of `{email}` items, or the string itself. */
function named(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => (typeof v === 'string' ? [v] : v && typeof v === 'object' && typeof (v as { email?: unknown }).email === 'string' ? [(v as { email: string }).email] : []));
  return [];
}

/**
 * A record that names another of the same entity which this plan creates (a report naming its new
 * manager as approver) is sent after it: `after` holds the other's key. Records that name each other
 * in a circle can never be sent in any order: each is a conflict naming the circle, none is sent.
 */
function orderByReferences(writer: TargetWriter, ops: PlannedOp[], records: CanonicalRecord[], conflicts: Conflict[], summary: PlanSummary): void {
  for (const entity of DEPENDENCY_ORDER) {
    const refs = writer.writtenAfter?.(entity) ?? [];
    if (refs.length === 0) continue;
    const rowOf = new Map(records.filter((r) => r.entity === entity).map((r) => [`${r.file}:${r.line}`, r.values]));
    const mine = ops.filter((o) => o.entity === entity && (o.action === 'create' || o.action === 'update'));
    // What makes a key value exist on the target: the create of a record that has it, or the update
    // that gives it to a record (a manager's new email, which the reports naming it must wait for).
    const creates = new Map<string, PlannedOp>();
    for (const op of mine) {
      const values = rowOf.get(`${op.file}:${op.line}`) ?? op.values ?? {};
      for (const { key } of refs)
        if (typeof values[key] === 'string' && values[key] && (op.action === 'create' || op.changes?.some((c) => c.field === key)))
          creates.set(`${key}\u0000${keyValue(key, values[key] as string)}`, op);
    }
    if (creates.size === 0) continue;
    const waitsFor = new Map<PlannedOp, PlannedOp[]>();
    // A new record that names itself (its own approver) is a circle of one: it can never exist first.
    const circles = new Set<PlannedOp>();
    for (const op of mine) {
      // An update waits only for what it sends (a manager reference that stays the same id is not sent).
      const values = (op.action === 'update' ? op.values : rowOf.get(`${op.file}:${op.line}`) ?? op.values) ?? {};
      const namesOps = refs.flatMap(({ field, key }) => named(values[field]).map((v) => creates.get(`${key}\u0000${keyValue(key, v)}`)));
      if (namesOps.includes(op)) {
        circles.add(op);
        conflicts.push({ entity, file: op.file ?? '', line: op.line ?? 0, key: op.key, ...(op.source ? { source: op.source } : {}), message: `${op.key} names itself: a new record cannot be its own approver or manager, so it is not sent` });
        continue;
      }
      const first = [...new Set(namesOps.filter((o): o is PlannedOp => o !== undefined && o !== op))];
      if (first.length) waitsFor.set(op, first);
    }
    // A circle: following what an operation waits for leads back to it.
    const state = new Map<PlannedOp, 'open' | 'done'>();
    const visit = (op: PlannedOp, path: PlannedOp[]): void => {
      if (state.get(op) === 'done') return;
      if (state.get(op) === 'open') {
        const circle = path.slice(path.indexOf(op));
        for (const member of circle) if (!circles.has(member)) {
          circles.add(member);
          conflicts.push({
            entity, file: member.file ?? '', line: member.line ?? 0, key: member.key, ...(member.source ? { source: member.source } : {}),
            message: `${member.key} and the records it must wait for name each other in a circle (${[...circle, op].map((o) => o.key).join(' → ')}): none can be created first, so none is sent`,
          });
        }
        return;
      }
      state.set(op, 'open');
      for (const next of waitsFor.get(op) ?? []) visit(next, [...path, op]);
      state.set(op, 'done');
    };
    for (const op of waitsFor.keys()) visit(op, []);
    notSentAfter(entity, waitsFor, circles, conflicts);
    for (const [op, first] of waitsFor) op.after = first.map((o) => o.key);
    if (circles.size === 0) continue;
    for (let i = ops.length - 1; i >= 0; i--) if (circles.has(ops[i]!)) {
      summary[ops[i]!.action as 'create' | 'update']--;
      ops.splice(i, 1);
    }
  }
}

/**
 * What waits (directly or not) for an operation that is not sent (a circle's) is not sent either: it
 * would fail at apply ("the manager is not a user (yet)"), and every re-run would plan it again.
 */
function notSentAfter(entity: Entity, waitsFor: Map<PlannedOp, PlannedOp[]>, dropped: Set<PlannedOp>, conflicts: Conflict[]): void {
  for (let more = dropped.size > 0; more; ) {
    more = false;
    for (const [op, first] of waitsFor) {
      const gone = first.find((o) => dropped.has(o));
      if (!gone || dropped.has(op)) continue;
      dropped.add(op);
      more = true;
      conflicts.push({ entity, file: op.file ?? '', line: op.line ?? 0, key: op.key, ...(op.source ? { source: op.source } : {}), message: `${op.key} waits for ${gone.key}, which is not sent (it names records in a circle, or waits for one): so it is not sent either` });
    }
  }
}

/**
 * The signature of what a plan would do and where (its version, target and operations, as JSON with
 * every object's keys in order): an HMAC-SHA256 with `key`, the state's plan key — which whoever edits
 * a saved plan without reading the state does not have.
 */
export function planSignature(plan: Pick<Plan, 'version' | 'targetName' | 'targetIdentity' | 'operations'>, key: Uint8Array): string {
  return createHmac('sha256', key).update(stableJson({ version: plan.version, targetName: plan.targetName, targetIdentity: plan.targetIdentity, operations: plan.operations })).digest('hex');
}

/**
 * What a sync state holds per key: the fingerprint of the payload last sent, then (since state
 * version 2) the names of the fields it carried — field names only, no values, no personal data.
 */
function lastSent(entry: string | undefined): { fingerprint: string; fields: string[] | undefined } | undefined {
  if (entry === undefined) return undefined;
  const [fp = '', names] = entry.split(' ');
  return { fingerprint: fp, fields: names === undefined ? undefined : names.split(',').filter(Boolean) };
}

/** Lookups in flight while a blind plan tells new records from known ones. */
const LOOKUPS_IN_FLIGHT = 8;

/**
 * Without the target's records: a row is sent when what would be sent differs from what was last sent
 * successfully (or was never sent). Only fields present are sent — never a blank, unless --blank clear,
 * because such a platform overwrites every field it is sent. A row with no state (a fresh CI runner)
 * is looked up by its key, so that one already on the platform is an update, not a "create". A field
 * sent last time but absent now is said in a note: what the platform does with it is not documented.
 */
async function planBlind(
  target: Target, input: CanonicalRecord[], keys: string[], fields: FieldSet, options: PlanOptions, ops: PlannedOp[], summary: PlanSummary, count: Count, conflicts: Conflict[], notes: string[], spend: () => boolean,
): Promise<void> {
  const writer = target.writer!;
  const rows: Array<{ record: CanonicalRecord; key: string; values: CanonicalValues; sends: string; last: ReturnType<typeof lastSent>; exists?: boolean }> = [];
  for (const record of input) {
    const present = presentKeys(record, keys, options, count, conflicts);
    if (!present) continue;
    const key = keyLabel(present[0]!, Object.fromEntries(present[0]!.split('+').map((f) => [f, keyValue(f, record.values[f] as string)])));
    const values: CanonicalValues = {};
    for (const [f, v] of Object.entries(record.values)) if (fields.has(f) && (v !== null || options.blank === 'clear')) values[f] = v;
    const fp = fingerprint(values);
    const last = lastSent(options.synced!.get(key));
    if (last?.fingerprint === fp) {
      count(record.entity, 'unchanged');
      continue;
    }
    rows.push({ record, key, values, sends: `${fp} ${Object.keys(values).sort().join(',')}`, last });
  }
  // Never sent from here: is it on the platform already? (A lookup finds it by one of its keys.)
  await runPool(rows.filter((r) => r.last === undefined), LOOKUPS_IN_FLIGHT, async (row) => {
    for (const field of keys) {
      const value = row.record.values[field];
      if (typeof value !== 'string' || !value.trim()) continue;
      if (await writer.lookup(row.record.entity, { field, value: value.trim() })) {
        row.exists = true;
        return;
      }
    }
  });
  const dropped = new Map<string, number>();
  for (const row of rows) {
    for (const field of row.last?.fields ?? []) if (!(field in row.values)) dropped.set(field, (dropped.get(field) ?? 0) + 1);
    if (!spend()) {
      count(row.record.entity, 'skipped');
      continue;
    }
    const action = row.last === undefined && !row.exists ? 'create' : 'update';
    ops.push({ action, entity: row.record.entity, key: row.key, values: row.values, sends: row.sends, file: row.record.file, line: row.record.line, source: row.record.source, ...(row.record.mapped ? { mapped: row.record.mapped } : {}) });
    summary[action]++;
  }
  for (const [field, count] of dropped)
    notes.push(
      `${count} ${count === 1 ? 'record was' : 'records were'} last sent a ${field}, which the input now leaves blank or lacks: it is not sent, and what ${target.label} then does with the value it holds is not documented (it may keep or wipe it); --blank clear sends it empty on purpose`,
    );
}

/**
 * The match keys a row has a value for, or undefined when the row is left out: by --only (counted as
 * skipped), or because it has none — a row no key can find again would be created anew on every run.
 */
function presentKeys(record: CanonicalRecord, keys: string[], options: PlanOptions, count: Count, conflicts: Conflict[]): string[] | undefined {
  const present = keys.filter((k) => keyOf(k, record.values) !== undefined);
  if (options.only && !present.some((k) => k.split('+').some((f) => options.only!.includes(String(record.values[f]))))) {
    count(record.entity, 'skipped');
    return undefined;
  }
  if (present.length === 0) {
    conflicts.push({
      entity: record.entity, file: record.file, line: record.line, key: '', source: record.source,
      message: `has none of the keys it is matched on (${keys.join(', ')}): it could not be found again on the next run, so it is left out rather than created`,
    });
    return undefined;
  }
  return present;
}

function describeRecord(row: CanonicalValues, keys: string[]): string {
  const k = keys.find((f) => keyOf(f, row) !== undefined) ?? 'id';
  return `${keyLabel(k, row)}${k !== 'id' && row.id ? ` (id ${String(row.id)})` : ''}`;
}
