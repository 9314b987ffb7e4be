import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ENTITIES, type Entity } from '../core/model/entities.js';
import { fingerprint, planSignature, type Plan, type PlannedOp } from '../core/plan/plan.js';
import type { CanonicalValues } from '../core/model/canonical.js';
import { keyValue } from '../core/model/keys.js';
import type { RunRecord, StateStore, Connection } from '../core/ports.js';
import { SafetyStop, UsageError } from '../errors.js';
import { runPool } from '../shared/pool.js';

const value = z.union([z.string(), z.boolean(), z.array(z.unknown()), z.null()]);
const operationSchema = z.object({
  action: z.enum(['create', 'update', 'deactivate', 'delete']),
  entity: z.enum(ENTITIES),
  key: z.string(),
  id: z.string().optional(),
  values: z.record(z.string(), value).optional(),
  fingerprint: z.string().optional(),
  sends: z.string().optional(),
  after: z.array(z.string()).optional(),
  because: z.enum(['missing', 'leaver', 'status']).optional(),
});
const planSchema = z.object({
  version: z.literal(3),
  target: z.string(),
  targetName: z.string(),
  targetIdentity: z.string(),
  signature: z.strictObject({ key: z.string(), hmac: z.string() }),
  operations: z.array(operationSchema),
  asOf: z.iso.datetime().optional(),
});

/** A plan as `import --out` writes it: signed with the state's plan key (`key` names that key, `hmac` signs the plan). */
export type SavedPlan = Plan & { signature: { key: string; hmac: string } };

/** A name for a plan key that tells keys apart and gives nothing of one away: the start of its SHA-256. */
function keyId(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** A plan as a file holds it: its notes in words (the CLI words them, naming its flags). */
export type WordedPlan = Omit<Plan, 'notes'> & { notes: readonly string[] };

/** The text `import --out` writes: the plan, signed with the state's plan key (StateStore.planKey). */
export async function savedPlanText(plan: WordedPlan, state: Pick<StateStore, 'planKey'>): Promise<string> {
  const key = await state.planKey();
  const { version, target, targetName, targetIdentity, ...rest } = plan;
  const saved: WordedPlan & Pick<SavedPlan, 'signature'> = { version, target, targetName, targetIdentity, signature: { key: keyId(key), hmac: planSignature(plan, key) }, ...rest };
  return `${JSON.stringify(saved, null, 2)}\n`;
}

/**
 * A plan written by `hrsync import --out`, checked as data before anything trusts it: anything else —
 * not JSON, another version, an operation that is null or names an unknown entity — is a usage error
 * naming the file and the place.
 */
export async function readPlan(path: string, cwd: string): Promise<SavedPlan> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`plan file ${path}: no such file`, 'a plan file is what hrsync import FILE --out plan.json writes');
    throw new UsageError(`plan file ${path} cannot be read: ${code === 'EISDIR' ? 'it is a folder' : error instanceof Error ? error.message : String(error)}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`plan file ${path} cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const version = (document as { version?: unknown } | null)?.version;
  if (version === 1 || version === 2)
    throw new UsageError(`${path} was written by an older hrsync, without a signature by the state’s plan key (version ${version}): it is not applied`, 'make the plan again with hrsync import --out');
  const parsed = planSchema.safeParse(document);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new UsageError(`${path} is not a plan written by \`hrsync import --out\`: ${first.path.join('.') || '(top)'}: ${first.message}`);
  }
  // Its notes are words already: read back as such.
  const { notes, ...plan } = document as Omit<SavedPlan, 'notes'> & { notes?: unknown };
  return { ...plan, notes: Array.isArray(notes) ? notes.filter((n): n is string => typeof n === 'string').map((text) => ({ code: 'said' as const, text })) : [] };
}

/**
 * What a saved plan must show before it is applied: it was made against this very account (type and
 * where, not just the same name), it was signed with this state's plan key and its operations are
 * those it was signed with, and every operation on an existing record carries the fingerprint of the
 * record as it was planned.
 */
function checkPlanIntegrity(target: Connection, plan: SavedPlan, key: Uint8Array, where: string): void {
  if (plan.targetIdentity !== target.identity)
    throw new SafetyStop(`the plan was made for ${plan.targetIdentity}, but "${plan.targetName}" is now ${target.identity}; nothing was written`, 'make the plan again against this target');
  if (plan.signature.key !== keyId(key))
    throw new SafetyStop(
      `the plan was signed with another state’s plan key (key ${plan.signature.key}; the state here, ${where}, has key ${keyId(key)}): it was made in another project folder or with another state database; nothing was written`,
      'apply a plan where it was made (the same config and state), or make it again here with hrsync import --out',
    );
  const expected = Buffer.from(planSignature(plan, key), 'hex');
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(plan.signature.hmac) ? plan.signature.hmac : '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new SafetyStop('the plan’s operations were changed after it was written (its signature by the state’s plan key no longer matches); nothing was written', 'make the plan again with hrsync import --out, and change the input, not the plan');
  if (target.can.list || target.can.lookupRecords) {
    const blind = plan.operations.find((op) => op.action !== 'create' && (!op.fingerprint || !op.id));
    if (blind) throw new UsageError(`the plan has a ${blind.action} of ${blind.entity} ${blind.key} without the fingerprint of the record it was planned on; nothing was written`);
  }
}

/** The keys of a create looked up to see that no record has them yet: those of its values that match records. */
function createKeys(target: Connection, op: PlannedOp): Array<{ field: string; value: string }> {
  return target.writer!.matchKeys(op.entity).flatMap((field) => {
    const value = op.values?.[field];
    return typeof value === 'string' && value ? [{ field, value }] : [];
  });
}

/** The lookups a check makes, by entity and field: the values asked for (a create's keys; a changed record's id). */
type Asked = Map<string, { entity: Entity; field: string; values: Set<string> }>;

function askedOf(target: Connection, plan: Pick<Plan, 'operations'>): Asked {
  const asked: Asked = new Map();
  const ask = (entity: Entity, field: string, value: string) => {
    const at = `${entity}\u0000${field}`;
    let group = asked.get(at);
    if (!group) asked.set(at, (group = { entity, field, values: new Set() }));
    group.values.add(value);
  };
  for (const op of plan.operations) {
    if (op.action === 'create') for (const key of createKeys(target, op)) ask(op.entity, key.field, key.value);
    else if (op.fingerprint && op.id) ask(op.entity, 'id', op.id);
  }
  return asked;
}

/**
 * How many requests checkPlanFresh makes at most: a lookup per key of each create and one per record
 * changed — or, where the target can ask for several at once (lookupMany), one per that many.
 */
export function freshnessLookups(target: Connection, plan: Pick<Plan, 'operations'>): number {
  if (!target.writer) return 0;
  const many = target.writer.lookupMany;
  let n = 0;
  for (const { values } of askedOf(target, plan).values()) n += many ? Math.ceil(values.size / many.atOnce) : values.size;
  return n;
}

/** Why an operation no longer fits what the target holds, or undefined when it still does; `find` reads a record by one key. */
async function staleness(target: Connection, op: PlannedOp, find: (entity: Entity, key: { field: string; value: string }) => Promise<CanonicalValues | undefined>): Promise<string | undefined> {
  if (op.action === 'create') {
    for (const key of createKeys(target, op)) if (await find(op.entity, key)) return `${op.entity} ${op.key} exists now`;
    return undefined;
  }
  if (!op.fingerprint || !op.id) return undefined; // nothing was read to plan it (a target that cannot be listed)
  const current = await find(op.entity, { field: 'id', value: op.id });
  if (!current) return `${op.entity} ${op.key} (id ${op.id}) no longer exists`;
  return fingerprint(current) === op.fingerprint ? undefined : `${op.entity} ${op.key} (id ${op.id}) changed since the plan was made`;
}

/**
 * Every lookup of the plan made ahead, `lookupMany.atOnce` values a request (`concurrency` at a time):
 * the record found for each value asked. A record answers a value whose key it has as a plan compares
 * keys (keyValue) — or, failing that, ignoring case, as a server's filter may — so a create is never
 * taken for new where a one-by-one lookup would have found its record. A value an answer cut at a page
 * did not find is looked up alone.
 */
async function lookedUpAhead(target: Connection, asked: Asked, options: { concurrency: number; signal?: AbortSignal; onLooked?: (n: number) => void }): Promise<Map<string, CanonicalValues>> {
  const writer = target.writer!;
  const many = writer.lookupMany!;
  const found = new Map<string, CanonicalValues>();
  const batches = [...asked.values()].flatMap(({ entity, field, values }) => {
    const all = [...values];
    return Array.from({ length: Math.ceil(all.length / many.atOnce) }, (_, i) => ({ entity, field, values: all.slice(i * many.atOnce, (i + 1) * many.atOnce) }));
  });
  await runPool(batches, options.concurrency, async ({ entity, field, values }) => {
    const { records, complete } = await many.find(entity, field, values);
    for (const value of values) {
      // The record with the very key first: of "u1" and "U1" (ids that differ only by case), "U1" is U1's.
      const record = records.find((r) => sameKey(field, r[field], value)) ?? records.find((r) => sameIgnoringCase(r[field], value));
      if (record) found.set(lookupAt(entity, field, value), record);
      else if (!complete) {
        const alone = await writer.lookup(entity, { field, value });
        if (alone) found.set(lookupAt(entity, field, value), alone);
      }
    }
    options.onLooked?.(values.length);
  }, () => options.signal?.aborted === true);
  return found;
}

const lookupAt = (entity: Entity, field: string, value: string) => `${entity}\u0000${field}\u0000${value}`;

/** A record's value of a key field as text (a number as written), or undefined. */
const textOf = (has: unknown) => (typeof has === 'string' ? has : typeof has === 'number' ? String(has) : undefined);

/** Whether a record's value of a key field is `value` as a plan compares keys (keyValue). */
function sameKey(field: string, has: unknown, value: string): boolean {
  const text = textOf(has);
  return text !== undefined && keyValue(field, text) === keyValue(field, value);
}

/**
 * The same ignoring case: what a server's filter may have found the record by. Taken as found (a plan
 * that creates both "K1" and "k1" when only "K1" exists is then stale for both): never a create let
 * through that a one-by-one lookup on such a server would have stopped.
 */
function sameIgnoringCase(has: unknown, value: string): boolean {
  const text = textOf(has);
  return text !== undefined && text.trim().toLowerCase() === value.trim().toLowerCase();
}

/**
 * The run that applied this very plan already (the same signature, exit 0), if the state's history
 * keeps one: a plan applied twice is said to be done, not stale. Checked after its signature, so an
 * edited plan is never taken for an applied one.
 */
export async function appliedBefore(target: Connection | undefined, plan: SavedPlan, state: Pick<StateStore, 'planKey' | 'where' | 'history'>): Promise<RunRecord | undefined> {
  if (!target?.writer || target.label !== plan.target) return undefined;
  checkPlanIntegrity(target, plan, await state.planKey(), state.where);
  return (await state.history({ target: plan.targetName })).find((r) => r.command === 'apply' && r.plan === plan.signature.hmac && r.exitCode === 0);
}

/**
 * Before a saved plan is applied: every record it touches is read again (--concurrency requests at a
 * time; many lookups a request where the target can: lookedUpAhead). Any that changed since the plan
 * was made stops the run (exit 6), unless `force`; then the stale ones are returned, to be said.
 * `onChecked` is told of each operation checked (or lookup made); once `signal` is aborted no new
 * lookup starts.
 */
export async function checkPlanFresh(
  target: Connection | undefined,
  plan: SavedPlan,
  state: Pick<StateStore, 'planKey' | 'where'>,
  options: { concurrency: number; force: boolean; now: number; signal?: AbortSignal; onChecked?: (done: number, total: number, what: 'operations' | 'lookups') => void },
): Promise<{ target: Connection; stale: string[] }> {
  if (!target?.writer || target.label !== plan.target) throw new UsageError(`the plan is for ${plan.target}, which is not a writable target here`);
  checkPlanIntegrity(target, plan, await state.planKey(), state.where);
  // A plan made for a moment still to come (import --as-of) would end leavers and make joiners early.
  if (plan.asOf && Date.parse(plan.asOf) > options.now && !options.force)
    throw new SafetyStop(
      `the plan was made as of ${plan.asOf}, which has not come yet: its joiners and leavers would be acted on early; nothing was written`,
      'apply it once that moment has passed, or pass --force to apply it now',
    );
  const stale: string[] = [];
  if (target.writer.lookupMany) {
    // The lookups first, many a request; then each operation against what they found.
    const asked = askedOf(target, plan);
    const total = [...asked.values()].reduce((n, { values }) => n + values.size, 0);
    let looked = 0;
    const found = await lookedUpAhead(target, asked, { ...options, onLooked: (n) => options.onChecked?.((looked += n), total, 'lookups') });
    options.signal?.throwIfAborted();
    const find = async (entity: Entity, key: { field: string; value: string }) => found.get(lookupAt(entity, key.field, key.value));
    for (const op of plan.operations) {
      const why = await staleness(target, op, find);
      if (why) stale.push(why);
    }
  } else {
    const writer = target.writer;
    let checked = 0;
    await runPool(plan.operations, options.concurrency, async (op) => {
      const why = await staleness(target, op, (entity, key) => writer.lookup(entity, key));
      if (why) stale.push(why);
      options.onChecked?.(++checked, plan.operations.length, 'operations');
    }, () => options.signal?.aborted === true);
  }
  options.signal?.throwIfAborted();
  if (stale.length && !options.force)
    throw new SafetyStop(
      `the plan is stale: ${stale.length} ${stale.length === 1 ? 'record' : 'records'} changed since it was made (${stale.slice(0, 10).join('; ')}); nothing was written`,
      'run the import again for a fresh plan, or pass --force to apply this one anyway',
    );
  return { target, stale };
}
