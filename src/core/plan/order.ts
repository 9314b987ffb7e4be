import type { CanonicalRecord, CanonicalValues } from '../model/canonical.js';
import { DEPENDENCY_ORDER, type Entity } from '../model/entities.js';
import { keyValue } from '../model/keys.js';
import type { TargetWriter } from '../ports.js';
import type { Draft } from './draft.js';
import { named } from './references.js';
import type { Conflict, PlannedOp } from './types.js';


/**
 * The values of the rows `ops` were planned from, by "file:line": only theirs — a plan of a million
 * unchanged rows holds no million rows' values here (issue 22 goal 4; a row kept on disk is read back).
 */
function rowsOfOps(records: readonly CanonicalRecord[], entity: Entity, ops: readonly PlannedOp[]): Map<string, CanonicalValues> {
  const lines = new Map<string, Set<number>>();
  for (const op of ops) if (op.file !== undefined && op.line !== undefined) (lines.get(op.file) ?? lines.set(op.file, new Set()).get(op.file)!).add(op.line);
  const rowOf = new Map<string, CanonicalValues>();
  for (const r of records) if (r.entity === entity && lines.get(r.file)?.has(r.line)) rowOf.set(`${r.file}:${r.line}`, r.values);
  return rowOf;
}

/**
 * A record that names another of the same entity which this plan creates (a report naming its new
 * manager as approver) is sent after it: `after` holds the other's key. Records that name each other
 * in a circle can never be sent in any order: each is a conflict naming the circle, none is sent.
 */
export function orderByReferences(writer: TargetWriter, records: readonly CanonicalRecord[], draft: Draft): void {
  const { ops, conflicts } = draft;
  for (const entity of DEPENDENCY_ORDER) {
    const refs = writer.writtenAfter?.(entity) ?? [];
    if (refs.length === 0) continue;
    const mine = ops.filter((o) => o.entity === entity && (o.action === 'create' || o.action === 'update'));
    if (mine.length === 0) continue;
    const rowOf = rowsOfOps(records, entity, mine);
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
    if (circles.size > 0) draft.drop(circles);
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

/** Creates and updates first, in the order they were planned; removals after them, users before the companies and groups they need. */
export function inRunOrder(ops: readonly PlannedOp[]): PlannedOp[] {
  const removals = ops.filter((o) => o.action === 'deactivate' || o.action === 'delete');
  removals.sort((a, b) => DEPENDENCY_ORDER.indexOf(b.entity) - DEPENDENCY_ORDER.indexOf(a.entity));
  return [...ops.filter((o) => o.action === 'create' || o.action === 'update'), ...removals];
}
