import type { CanonicalRecord } from '../model/canonical.js';
import { DEPENDENCY_ORDER, type Entity } from '../model/entities.js';
import type { WriteAction } from '../ports.js';
import type { PlanNote } from './notes.js';
import type { Conflict, LifecycleDecision, PlannedOp, PlanSummary } from './types.js';

/**
 * A plan as it is made: its operations, conflicts and notes in the order they are found, and the
 * counts — in the total and, for rows that make no operation (unchanged, or left out by --only or
 * --limit), per entity.
 */
export class Draft {
  readonly ops: PlannedOp[] = [];
  readonly conflicts: Conflict[] = [];
  readonly notes: PlanNote[] = [];
  /** Joiners not yet due and leavers: what was done about each, and why. */
  readonly lifecycle: LifecycleDecision[] = [];
  readonly summary: PlanSummary;
  private readonly quiet = new Map<Entity, { unchanged: number; skipped: number }>();

  constructor(invalid: number) {
    this.summary = { create: 0, update: 0, deactivate: 0, delete: 0, unchanged: 0, invalid, conflicts: 0, skipped: 0 };
  }

  /** Counts a row that makes no operation, in the total and for its entity. */
  count(entity: Entity, kind: 'unchanged' | 'skipped'): void {
    this.summary[kind]++;
    const q = this.quiet.get(entity) ?? { unchanged: 0, skipped: 0 };
    q[kind]++;
    this.quiet.set(entity, q);
  }

  add(op: PlannedOp): void {
    this.ops.push(op);
    this.summary[op.action]++;
  }

  /** Takes operations out of the plan again (a circle, a delete the platform would refuse). */
  drop(dropped: ReadonlySet<PlannedOp>): void {
    for (let i = this.ops.length - 1; i >= 0; i--)
      if (dropped.has(this.ops[i]!)) {
        this.summary[this.ops[i]!.action]--;
        this.ops.splice(i, 1);
      }
  }

  /**
   * The same counts per entity in the input (or with operations, or with rows left out), for
   * `operations` as they will run; invalid: the rows left out of that entity's files.
   */
  byEntity(operations: readonly PlannedOp[], records: readonly CanonicalRecord[], leftOut: readonly CanonicalRecord[]): Partial<Record<Entity, PlanSummary>> {
    const byEntity: Partial<Record<Entity, PlanSummary>> = {};
    for (const entity of DEPENDENCY_ORDER) {
      const mine = operations.filter((o) => o.entity === entity);
      const invalid = leftOut.filter((r) => r.entity === entity).length;
      if (!records.some((r) => r.entity === entity) && !mine.length && !invalid) continue;
      const by = (action: WriteAction) => mine.filter((o) => o.action === action).length;
      byEntity[entity] = {
        create: by('create'), update: by('update'), deactivate: by('deactivate'), delete: by('delete'),
        unchanged: this.quiet.get(entity)?.unchanged ?? 0, invalid, conflicts: this.conflicts.filter((c) => c.entity === entity).length, skipped: this.quiet.get(entity)?.skipped ?? 0,
      };
    }
    return byEntity;
  }
}
