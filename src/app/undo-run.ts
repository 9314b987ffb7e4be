import { readBack } from '../core/apply/images.js';
import type { CanonicalValues } from '../core/model/canonical.js';
import type { Entity } from '../core/model/entities.js';
import { allowed } from '../core/plan/brake.js';
import type { Plan } from '../core/plan/plan.js';
import type { JournalEntry, StateStore, Connection } from '../core/ports.js';
import { SafetyStop, UsageError } from '../errors.js';
import { runPool } from '../shared/pool.js';
import { keysOfEntry, type FoundRun } from './run-journal.js';
import { isEntity, UndoDraft, type UndoChoices, type UndoItem } from './undo-plan.js';

export type { FoundRun } from './run-journal.js';
export { findRun } from './run-journal.js';

/** Reads of the target in flight while an undo is planned. */
const READS_IN_FLIGHT = 8;

/**
 * The record a journal entry is about, as the target holds it now: by its id — but a deleted record
 * (whose id is gone) by its keys, so that one re-created since is found.
 */
async function currentOf(target: Connection, entry: JournalEntry & { entity: UndoItem['entry']['entity'] }): Promise<CanonicalValues | undefined> {
  const keys = { ...keysOfEntry(entry), ...entry.after, ...entry.before };
  if (entry.action === 'delete') {
    const { id: _gone, ...byKey } = keys;
    return readBack(target, entry.entity, undefined, byKey);
  }
  return readBack(target, entry.entity, entry.id ?? undefined, keys);
}

/** How many records of an entity the target holds: counted where it can say so cheaply, else listed; undefined where it cannot be listed. */
async function holds(target: Connection, entity: Entity): Promise<number | undefined> {
  const counted = await target.count?.(entity);
  if (counted !== undefined || !target.can.list) return counted;
  let n = 0;
  for await (const page of target.list(entity)) n += page.length;
  return n;
}

/**
 * The deactivation brake (--max-deactivations, or the config's maxDeactivations), as for an import: an undo that would deactivate or delete more records
 * of an entity than `limit` allows (a count, or a fraction of what the target holds) stops before
 * anything is written (exit 6). Where the target cannot say how many it holds, a fraction is said not to apply.
 */
async function brake(target: Connection, plan: Plan, limit: { count: number } | { fraction: number }, limitText: string): Promise<void> {
  const removals = new Map<Entity, number>();
  for (const op of plan.operations) if (op.action === 'deactivate' || op.action === 'delete') removals.set(op.entity, (removals.get(op.entity) ?? 0) + 1);
  for (const [entity, n] of removals) {
    const total = 'count' in limit ? undefined : await holds(target, entity);
    if ('fraction' in limit && total === undefined) {
      plan.notes.push({ code: 'said', text: `${target.label} cannot say how many ${entity} it holds: ${limitText} was not applied to the ${n} it would deactivate or delete` });
      continue;
    }
    const max = allowed(limit, total ?? 0);
    if (n > max)
      throw new SafetyStop(`the undo would deactivate or delete ${n} ${entity}${total !== undefined ? ` of the ${total} on ${target.label}` : ''}: more than the limit of ${max} (${limitText}); nothing was written`, 'check the run is the one to undo; if it is, pass a higher --max-deactivations (e.g. 100%)');
  }
}

/**
 * A plan that puts back what a run changed, checked against the target as it is now (see UndoDraft):
 * the same plan a command shows, saves with --out and applies. The run's journal must be of this very
 * account. `undoneBy`: the runs in the history that undid it already (said in a note).
 */
export async function planUndo(
  target: Connection, found: FoundRun, choices: UndoChoices,
  options: { concurrency: number; state: Pick<StateStore, 'history'>; brake?: { limit: { count: number } | { fraction: number }; text: string } },
): Promise<Plan> {
  if (!target.writer) throw new UsageError(`${target.label} is read-only: there is nothing to undo`);
  if (found.identity && found.identity !== target.identity)
    throw new SafetyStop(`the run wrote to ${found.identity}, but "${found.target}" is now ${target.identity}; nothing was written`, 'undo a run where its target is the same account');
  const items: UndoItem[] = [];
  const unknownEntity = found.journal.find((e) => !isEntity(e.entity));
  if (unknownEntity) throw new UsageError(`${found.source} names an entity hrsync does not know (${unknownEntity.entity}): it is not a journal this hrsync wrote`);
  found.journal.forEach((entry, i) => items.push({ entry: entry as UndoItem['entry'], file: found.source, line: i + 1, current: undefined }));
  const touched = items.filter((item) => item.entry.status === 'ok');
  await runPool(touched, options.concurrency, async (item) => {
    item.current = await currentOf(target, item.entry);
  });
  const draft = new UndoDraft(target, choices);
  for (const item of [...items].reverse()) draft.add(item);
  const notes = draft.cannot.lines().map((text) => ({ code: 'said' as const, text }));
  if (draft.recreated.length) {
    notes.push({ code: 'said', text: `${draft.recreated.length} deleted ${draft.recreated.length === 1 ? 'record is' : 'records are'} made again from the record as it was: with a new id, and without what ${target.label} kept with the old one (its history, enrolments, sign-ins)` });
    for (const entity of new Set(items.filter((i) => i.entry.action === 'delete').map((i) => i.entry.entity)))
      for (const text of target.writer.describeCreates?.(entity, draft.recreated) ?? []) notes.push({ code: 'said', text });
  }
  const undoneBy = found.id ? (await options.state.history()).filter((r) => r.undoes === found.id && r.exitCode === 0) : [];
  for (const r of undoneBy) notes.push({ code: 'said', text: `run ${found.id} was undone already by run ${r.id} at ${r.at}: only what changed since is planned` });
  const summary = draft.draft.summary;
  summary.conflicts = draft.draft.conflicts.length;
  const plan: Plan = { version: 3, target: target.label, targetName: target.name, targetIdentity: target.identity, createdAt: new Date().toISOString(), operations: draft.operations(), conflicts: draft.draft.conflicts, summary, notes };
  if (options.brake) await brake(target, plan, options.brake.limit, options.brake.text);
  return plan;
}
