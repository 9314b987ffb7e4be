import type { TargetRecords } from './row-sets.js';
import type { CanonicalRecord, CanonicalValues, FieldValue } from '../model/canonical.js';
import type { Entity } from '../model/entities.js';
import type { TargetWriter } from '../ports.js';
import { same } from './compare.js';
import type { FieldSet } from './diff.js';
import type { Draft } from './draft.js';
import { describeRecord } from './keys.js';
import type { Change, PlannedOp, PolicyDecision, PolicyOptions, RunMode } from './types.js';

// A target's policy (issue 23 items 8 and 9): who is in, who owns which field, which accounts are
// never taken down, what a run may write. Each write it leaves out is a PolicyDecision, for people.

const fold = (v: unknown): string => (Array.isArray(v) ? v.join(',') : String(v ?? '')).trim().toLowerCase();

/** The field a users row is out of scope on (the first), or undefined when it is in. Other entities are always in. */
export function outOfScopeOn(record: CanonicalRecord, scope: PolicyOptions['scope']): string | undefined {
  if (!scope || record.entity !== 'users') return undefined;
  return Object.keys(scope).find((field) => !scope[field]!.some((v) => fold(v) === fold(record.values[field])));
}

/** The input split by the scope: rows the target receives, and rows out of it. */
export function splitByScope(records: readonly CanonicalRecord[], policy: PolicyOptions | undefined): { inside: CanonicalRecord[]; outside: CanonicalRecord[] } {
  const inside: CanonicalRecord[] = [];
  const outside: CanonicalRecord[] = [];
  for (const r of records) (outOfScopeOn(r, policy?.scope) === undefined ? inside : outside).push(r);
  return { inside, outside };
}

/**
 * Rows out of scope: neither created nor updated, each said. The target records they name are left
 * alone and never counted missing (`held`) — unless the policy's outOfScope is "missing".
 */
export function holdOutOfScope(outside: readonly CanonicalRecord[], findAll: (values: CanonicalValues) => CanonicalValues[], keys: readonly string[], policy: PolicyOptions | undefined, held: { add(row: CanonicalValues): unknown }, draft: Draft): void {
  for (const record of outside) {
    const rows = findAll(record.values);
    if (policy?.outOfScope !== 'missing') for (const row of rows) held.add(row);
    draft.decisions.push(scopeDecision(record, keys, rows.length > 0, policy));
  }
}

/** A row out of scope, as the plan records it (for a target that cannot be listed, onTarget is unknown: false). */
export function scopeDecision(record: CanonicalRecord, keys: readonly string[], onTarget: boolean, policy: PolicyOptions | undefined): PolicyDecision {
  const field = outOfScopeOn(record, policy?.scope)!;
  const at = { file: record.file, line: record.line };
  return { kind: 'scope', entity: record.entity, key: describeRecord(record.values, keys), ...at, not: onTarget ? 'update' : 'create', field, value: record.values[field] ?? null, onTarget };
}

/** Who writes a field once the account exists: the target (never sent), createOnly (sent on create only), or hrsync (undefined). */
export type Owner = (field: string) => 'target' | 'createOnly' | undefined;

/**
 * The fields a plan compares and sends, less those the policy gives the target (`fields`); what a
 * create sends besides (`createOnly`: the writer's create options and the policy's create-only
 * fields); and who owns a field, for the decisions.
 */
export function ownership(writable: FieldSet, writerCreateOnly: readonly string[], policy: PolicyOptions | undefined): { fields: FieldSet; createOnly: Set<string>; owner: Owner } {
  const owned = new Set(policy?.targetOwned ?? []);
  const once = new Set((policy?.createOnly ?? []).filter((f) => !owned.has(f) && writable.has(f)));
  const owner: Owner = (f) => (owned.has(f) ? 'target' : once.has(f) ? 'createOnly' : undefined);
  const createOnly = new Set([...writerCreateOnly, ...once].filter((f) => !owned.has(f)));
  return { fields: { has: (f) => writable.has(f) && owner(f) === undefined }, createOnly, owner };
}

type Row = Pick<CanonicalRecord, 'entity' | 'file' | 'line'>;

/** An update's changes less those to fields hrsync does not own: each of those said, never sent. */
export function withoutOwned(changes: Change[], owner: Owner, row: Row, key: string, draft: Draft): Change[] {
  const sent: Change[] = [];
  for (const change of changes) {
    const by = owner(change.field);
    if (by === undefined) sent.push(change);
    else draft.decisions.push({ kind: 'owned', entity: row.entity, key, file: row.file, line: row.line, not: 'send', field: change.field, from: change.from, to: change.to, owner: by });
  }
  return sent;
}

/** A create's values the target owns (a row's value for a field hrsync never sends): each said. */
export function ownedOnCreate(record: CanonicalRecord, writable: FieldSet, owner: Owner, key: string, draft: Draft): void {
  for (const [field, value] of Object.entries(record.values))
    if (value !== null && writable.has(field) && owner(field) === 'target')
      draft.decisions.push({ kind: 'owned', entity: record.entity, key, file: record.file, line: record.line, not: 'create', field, to: value, owner: 'target' });
}

/** What protects a target record (a users key or a role it holds), or undefined. */
export function protectedBy(row: CanonicalValues, entity: Entity, policy: PolicyOptions | undefined): { field: string; value: FieldValue } | undefined {
  const protect = policy?.protect;
  if (!protect || entity !== 'users') return undefined;
  for (const { field, value } of protect.keys ?? []) if (row[field] !== null && row[field] !== undefined && fold(row[field]) === fold(value)) return { field, value };
  for (const [field, values] of Object.entries(protect.roles ?? {})) if (values.some((v) => fold(v) === fold(row[field]))) return { field, value: row[field]! };
  return undefined;
}

const byText = (by: { field: string; value: FieldValue }): string => `${by.field}=${Array.isArray(by.value) ? by.value.join(',') : String(by.value)}`;

/**
 * For planMissing: whether a record the input lacks is protected — then it is kept, said, and never
 * counted against the brake. One already deactivated is not (nothing would be done to it anyway).
 */
export function keepsProtected(writer: TargetWriter, entity: Entity, row: CanonicalValues, keys: readonly string[], policy: PolicyOptions | undefined, missing: string, draft: Draft): boolean {
  if (missing === 'ignore') return false;
  const by = protectedBy(row, entity, policy);
  const deactivation = writer.deactivation(entity);
  if (!by || (missing === 'deactivate' && deactivation && same(deactivation.field, row[deactivation.field], deactivation.value))) return false;
  draft.decisions.push({ kind: 'protected', entity, key: describeRecord(row, keys), not: missing === 'delete' ? 'delete' : 'deactivate', by: byText(by) });
  return true;
}

/**
 * Protected accounts are never deactivated, deleted or downgraded, whatever the file says: such a
 * deactivation or delete (a leaver) leaves the plan; an update loses a change that disables the
 * account or moves a role field away from a protected value (the rest of it stays). Each is said.
 */
export function guardProtected(writer: TargetWriter, draft: Draft, current: ReadonlyMap<Entity, TargetRecords>, policy: PolicyOptions | undefined): void {
  if (!policy?.protect) return;
  // The records of the operations' ids alone: a million users' records are not a Map of a million.
  const ids = new Set(draft.ops.flatMap((op) => (op.id === undefined ? [] : [op.id])));
  const byId = new Map<string, CanonicalValues>();
  if (ids.size) for (const row of current.get('users') ?? []) if (ids.has(String(row.id))) byId.set(String(row.id), row);
  const dropped = new Set<PlannedOp>();
  for (const op of draft.ops) {
    // A target that cannot be listed: no record to read, only what is sent (its keys protect it; a role cannot).
    const row = op.id === undefined ? op.values : byId.get(op.id);
    const by = row && protectedBy(row, op.entity, policy);
    if (!by) continue;
    const at = { kind: 'protected' as const, entity: op.entity, key: op.key, ...(op.file ? { file: op.file, line: op.line! } : {}), by: byText(by) };
    if (op.action === 'deactivate' || op.action === 'delete') {
      dropped.add(op);
      draft.decisions.push({ ...at, not: op.action });
      continue;
    }
    if (op.action !== 'update' || !op.changes) continue;
    const downgrades = op.changes.filter((c) => isDowngrade(writer, op.entity, c, policy));
    if (!downgrades.length) continue;
    for (const c of downgrades) draft.decisions.push({ ...at, not: 'downgrade', from: c.from, to: c.to, field: c.field });
    op.changes = op.changes.filter((c) => !downgrades.includes(c));
    op.values = Object.fromEntries(op.changes.map((c) => [c.field, c.to]));
    if (!op.changes.length) dropped.add(op);
  }
  keptOut(draft, dropped, 'unchanged');
}

/** A change that takes a protected account down: to the platform's disabled state, or a role field away from its protected values. */
function isDowngrade(writer: TargetWriter, entity: Entity, change: Change, policy: PolicyOptions): boolean {
  const deactivation = writer.deactivation(entity);
  if (deactivation && change.field === deactivation.field && same(deactivation.field, change.to, deactivation.value)) return true;
  const roles = policy.protect?.roles?.[change.field];
  return roles !== undefined && roles.some((v) => fold(v) === fold(change.from)) && !roles.some((v) => fold(v) === fold(change.to));
}

/**
 * Whether the run's mode leaves out a row's create or update (`changes`; one that sets the platform's
 * disabled state is a deactivation) — said, for the caller to count skipped. Asked before the canary
 * spends, so --limit counts only writes the mode keeps.
 */
export function leftOutByMode(writer: TargetWriter, record: CanonicalRecord, key: string, changes: readonly Change[] | undefined, policy: PolicyOptions | undefined, draft: Draft): boolean {
  if (!policy?.modes) return false;
  const deactivation = writer.deactivation(record.entity);
  const disabling = deactivation && changes?.some((c) => c.field === deactivation.field && String(c.to).toLowerCase() === String(deactivation.value).toLowerCase());
  const kind: RunMode = !changes ? 'create' : disabling ? 'deactivate' : 'update';
  if (policy.modes.includes(kind)) return false;
  draft.decisions.push({ kind: 'mode', entity: record.entity, key, file: record.file, line: record.line, not: changes ? 'update' : 'create' });
  return true;
}

/** The kind of write an operation is, for --mode: an update that disables the account (an HR status) is a deactivation. */
const modeOf = (op: PlannedOp): RunMode => (op.action === 'create' ? 'create' : op.action === 'update' && op.because === undefined ? 'update' : 'deactivate');

/**
 * The run's mode: operations of a kind it leaves out leave the plan, each said (a row's create or
 * update is counted skipped). Runs after markDisabling, so an HR status that disables is a deactivation.
 */
export function keepToModes(draft: Draft, modes: readonly RunMode[] | undefined): void {
  if (!modes) return;
  const dropped = new Set<PlannedOp>();
  for (const op of draft.ops) {
    if (modes.includes(modeOf(op))) continue;
    dropped.add(op);
    draft.decisions.push({ kind: 'mode', entity: op.entity, key: op.key, ...(op.file ? { file: op.file, line: op.line! } : {}), not: op.action });
  }
  keptOut(draft, dropped, 'skipped');
}

/** Operations taken out: a row's create or update counted as `quiet`; a leaver's lifecycle decision says it was kept. */
function keptOut(draft: Draft, dropped: ReadonlySet<PlannedOp>, quiet: 'unchanged' | 'skipped'): void {
  if (!dropped.size) return;
  draft.drop(dropped);
  for (const op of dropped) {
    if (op.action === 'create' || op.action === 'update') draft.count(op.entity, quiet);
    if (op.because === 'leaver') for (const d of draft.lifecycle) if (d.file === op.file && d.line === op.line && d.entity === op.entity) d.outcome = 'kept';
  }
}
