import { DEPENDENCY_ORDER } from '../model/entities.js';
import type { PlannedOp } from '../plan/plan.js';

/**
 * Creates and updates per entity in dependency order, then removals in reverse: each phase finishes
 * before the next. Within an entity, an operation that waits for others (`after`: a report for its
 * new approver) runs in a later wave than all of them.
 */
export function phases(ops: PlannedOp[]): PlannedOp[][] {
  const out: PlannedOp[][] = [];
  for (const entity of DEPENDENCY_ORDER) out.push(...waves(ops.filter((o) => o.entity === entity && (o.action === 'create' || o.action === 'update'))));
  for (const entity of [...DEPENDENCY_ORDER].reverse()) out.push(ops.filter((o) => o.entity === entity && (o.action === 'deactivate' || o.action === 'delete')));
  return out.filter((p) => p.length > 0);
}

/** Operations by depth of what they wait for: wave 0 waits for nothing, wave n for some of wave n-1. */
function waves(ops: PlannedOp[]): PlannedOp[][] {
  const byKey = new Map(ops.map((o) => [o.key, o]));
  const depth = new Map<PlannedOp, number>();
  const depthOf = (op: PlannedOp, seen: Set<PlannedOp>): number => {
    const known = depth.get(op);
    if (known !== undefined) return known;
    if (seen.has(op)) return 0; // a plan never holds a circle; a hand-made one runs in some order
    seen.add(op);
    const d = Math.max(-1, ...(op.after ?? []).map((k) => byKey.get(k)).filter((o): o is PlannedOp => o !== undefined).map((o) => depthOf(o, seen))) + 1;
    depth.set(op, d);
    return d;
  };
  const out: PlannedOp[][] = [];
  for (const op of ops) (out[depthOf(op, new Set())] ??= []).push(op);
  return out.filter(Boolean);
}
