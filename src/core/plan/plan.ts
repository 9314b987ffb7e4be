import type { CanonicalRecord, CanonicalValues } from '../model/canonical.js';
import { DEPENDENCY_ORDER, SINGULAR, type Entity } from '../model/entities.js';
import type { Connection } from '../ports.js';
import { Canary } from './canary.js';
import { keepReferencedRecords } from './delete-blocked.js';
import { changesOf, createValues, writableFields } from './diff.js';
import { fingerprint } from './digest.js';
import { Draft } from './draft.js';
import { planBlind } from './blind.js';
import { checkDeactivations, markDisabling } from './brake.js';
import { decisionOf, madeRows, planLeaver, standingFor } from './lifecycle.js';
import { claimsOf, hitsOf, matchRow, presentKeys, TargetIndex } from './match.js';
import { planMissing } from './missing.js';
import { RowMap, RowSet, type TargetRecords } from './row-sets.js';
import { guardProtected, holdOutOfScope, keepsProtected, keepToModes, leftOutByMode, ownedOnCreate, ownership, scopeDecision, splitByScope, withoutOwned } from './policy.js';
import { inRunOrder, orderByReferences } from './order.js';
import { holdersByKey, withoutInactiveReferences } from './references.js';
import { explainIdentity, reviewNewHrIds } from './identity.js';
import { blindRehires, markRehires } from './blind-rehire.js';
export type { ChangeReason, ConflictCode, OnNewHrId } from './types.js';
import type { Plan, PlanOptions } from './types.js';

export type { Change, Conflict, Limit, MissingPolicy, Plan, PlannedOp, PlanOptions, PlanSummary } from './types.js';
export type { LifecycleDecision, LifecycleOptions, PolicyDecision, PolicyOptions, RunMode } from './types.js';
export type { PlanNote } from './notes.js';
export { fingerprint, planSignature } from './digest.js';
export { MissingLimit } from './missing.js';
export { DeactivationLimit, parseLimit } from './brake.js';

/**
 * The smallest set of writes that makes the target say what the input says. Each input record is
 * matched on ordered keys: keys that point at different records are a conflict, reported, never
 * guessed. Only the fields present in the input are compared (blank cells leave values alone unless
 * --blank clear), after normalising, so an unchanged record costs nothing. Records on the target that
 * the input lacks are left alone, deactivated or deleted as asked — unless there are more of them than
 * --max-missing allows. Creates and updates run groups → companies → users; removals in reverse.
 */
export async function buildPlan(target: Connection, records: CanonicalRecord[], options: PlanOptions, current: ReadonlyMap<Entity, TargetRecords>): Promise<Plan> {
  const writer = target.writer!;
  const draft = new Draft(options.invalid);
  const canary = new Canary(options);
  const policy = options.policy;
  // A run whose mode leaves deactivations out looks at no missing record (the brake included).
  const planning = policy?.modes && !policy.modes.includes('deactivate') && options.missing !== 'ignore' ? { ...options, missing: 'ignore' as const } : options;
  if (planning !== options) draft.notes.push({ code: 'missing_mode', missing: options.missing as 'deactivate' | 'delete' });
  for (const entity of DEPENDENCY_ORDER) {
    const { inside: input, outside } = splitByScope(records.filter((r) => r.entity === entity), policy);
    if (input.length === 0 && outside.length === 0) continue;
    const keys = options.match ?? [...writer.matchKeys(entity)];
    if (options.synced) {
      for (const record of outside) draft.decisions.push(scopeDecision(record, keys, false, policy));
      const { rows, rehired } = await blindRehires(target, blindInput(target, entity, input, draft), keys, planning);
      await planBlind(target, rows, keys, ownership(writableFields(target, entity), [], policy).fields, planning, canary, draft);
      markRehires(draft, rehired, writer.deactivation(entity)?.field, writer.deactivation(entity)?.active);
      if (planning.missing !== 'ignore') draft.notes.push({ code: 'missing_unlistable', target: target.label, missing: planning.missing });
      continue;
    }
    planListed(target, entity, { input, outside }, current.get(entity) ?? [], keys, planning, canary, draft);
  }
  guardProtected(writer, draft, current, policy);
  markDisabling(writer, draft);
  keepToModes(draft, policy?.modes);
  const inputRows = new Map<Entity, number>();
  for (const r of records) inputRows.set(r.entity, (inputRows.get(r.entity) ?? 0) + 1);
  checkDeactivations(draft, options.maxDeactivations ?? options.maxMissing, current, inputRows);
  orderByReferences(writer, records, draft);
  keepReferencedRecords(writer, current, draft);
  const operations = inRunOrder(draft.ops);
  draft.summary.conflicts = draft.conflicts.length;
  const byEntity = draft.byEntity(operations, records, options.leftOut ?? []);
  const dated = options.lifecycle ? { asOf: new Date(options.lifecycle.asOf).toISOString(), lifecycle: draft.lifecycle } : {};
  const decided = policy || draft.decisions.length ? { decisions: draft.decisions } : {};
  return { version: 3, target: target.label, targetName: target.name, targetIdentity: target.identity, createdAt: new Date().toISOString(), ...dated, operations, conflicts: draft.conflicts, summary: draft.summary, byEntity, notes: draft.notes, ...decided };
}

/**
 * One entity against the target's records (`existing`): each row matched (see matchRow), then created,
 * or updated with what it changes; then the records the input lacks (see planMissing).
 */
function planListed(target: Connection, entity: Entity, rows: { input: CanonicalRecord[]; outside: CanonicalRecord[] }, existing: TargetRecords, keys: string[], options: PlanOptions, canary: Canary, draft: Draft): void {
  const writer = target.writer!;
  const input = rows.input;
  const index = new TargetIndex(existing, keys);
  const writable = writableFields(target, entity);
  const { fields, createOnly, owner } = ownership(writable, writer.createOnly?.(entity) ?? [], options.policy);
  const created: CanonicalValues[] = [];
  const matched = new RowMap<CanonicalRecord>();
  /** Target records a row of the input refers to, planned or not: never "missing". */
  const held = new RowSet();
  for (const record of options.leftOut ?? []) if (record.entity === entity) for (const row of index.findAll(record.values)) held.add(row);
  holdOutOfScope(rows.outside, (values) => index.findAll(values), keys, options.policy, held, draft);
  const claims = claimsOf(input, index);
  const refs = holdersByKey(writer, entity, existing, madeRows(input, (record) => hitsOf(record, index), options.lifecycle), input, options.inputFields?.get(entity));
  /** Rows whose reference names a record neither on the target nor written by this run: left unset, said in a note. */
  const unset: string[] = [];

  for (const record of input) {
    const present = presentKeys(record, keys, canary, draft);
    if (!present) continue;
    const match = matchRow(record, present, index, claims, matched, held, options.onNewHrId);
    if ('conflict' in match) {
      draft.conflicts.push(match.conflict);
      continue;
    }
    const { hit, key } = match;
    // A leaver is ended, never created; a joiner not yet due is not created (one already there is updated as usual).
    const dated = standingFor(record, options.lifecycle);
    if (dated?.standing.kind === 'left') {
      if (hit) matched.set(hit, record);
      draft.lifecycle.push(decisionOf(record, key, dated, planLeaver(writer, record, hit, keys, dated.standing, draft)));
      continue;
    }
    if (dated && !hit) {
      draft.lifecycle.push(decisionOf(record, key, dated, 'waiting'));
      continue;
    }
    const base = { entity, file: record.file, line: record.line, source: record.source, ...(record.mapped ? { mapped: record.mapped } : {}) };
    if (!hit && writer.updatesOnly?.(entity)) {
      draft.conflicts.push({ entity, file: record.file, line: record.line, key, source: record.source, message: `no ${SINGULAR[entity]} on ${target.label} has ${key}: hrsync only updates ${entity}, it never creates them` });
      continue;
    }
    if (!hit) {
      const values = createValues(record, fields, createOnly, refs, unset);
      ownedOnCreate(record, writable, owner, key, draft);
      if (leftOutByMode(writer, record, key, undefined, options.policy, draft) || !canary.spend()) draft.count(entity, 'skipped');
      else {
        created.push(values);
        draft.add({ ...base, action: 'create', key, values });
      }
      continue;
    }
    matched.set(hit, record);
    const changes = withoutOwned(explainIdentity(writer, record, hit, keys, match.found!, writable, changesOf(record, hit, writable, options, refs, unset), options.lifecycle), owner, record, key, draft);
    if (dated) draft.lifecycle.push(decisionOf(record, key, dated, changes.length ? 'update' : 'unchanged'));
    if (changes.length === 0) draft.count(entity, 'unchanged');
    else if (leftOutByMode(writer, record, key, changes, options.policy, draft) || !canary.spend()) draft.count(entity, 'skipped');
    else draft.add({ ...base, action: 'update', key, id: String(hit.id), values: Object.fromEntries(changes.map((c) => [c.field, c.to])), changes, fingerprint: fingerprint(hit) });
  }

  for (const text of writer.describeCreates?.(entity, created) ?? []) draft.notes.push({ code: 'said', text });
  if (unset.length) draft.notes.push({ code: 'reference_unset', target: target.label, entity, count: unset.length, first: unset.slice(0, 3) });
  reviewNewHrIds(target.label, entity, draft);
  const kept = (row: CanonicalValues) => matched.has(row) || held.has(row) || keepsProtected(writer, entity, row, keys, options.policy, options.missing, draft);
  planMissing(target, entity, existing, keys, options, kept, draft);
}

/** A blind plan's rows, less the references that must name an active person whom the input says is inactive (said in a note). */
function blindInput(target: Connection, entity: Entity, input: CanonicalRecord[], draft: Draft): CanonicalRecord[] {
  const unset: string[] = [];
  const rows = withoutInactiveReferences(target.writer!, entity, input, unset);
  if (unset.length) draft.notes.push({ code: 'reference_inactive', target: target.label, entity, count: unset.length, first: unset.slice(0, 3) });
  return rows;
}
