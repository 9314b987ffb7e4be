import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTarget } from '../../src/app/create-target.js';
import { CONNECTORS, connectorFor } from '../../src/connectors/registry.js';
import type { ConnectorDefinition } from '../../src/connectors/types.js';
import { applyPlan } from '../../src/core/apply/apply.js';
import type { CanonicalRecord, CanonicalValues } from '../../src/core/model/canonical.js';
import { DEPENDENCY_ORDER, type Entity } from '../../src/core/model/entities.js';
import type { Connection } from '../../src/core/ports.js';
import type { RuleSet } from '../../src/core/rules/types.js';
import { RemoteError } from '../../src/errors.js';
import { same } from '../../src/core/plan/compare.js';
import { buildPlan, type Plan } from '../../src/core/plan/plan.js';
import { checkRecord } from '../../src/core/rules/check-record.js';
import type { Issue } from '../../src/core/model/issues.js';
import { PLATFORMS } from '../../src/sandbox/platforms/index.js';
import { sandboxClients, startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { tempDir } from '../helpers/files.js';
import { startBetterAuthScimServer } from '../helpers/better-auth-scim-server.js';
import { startScimServer } from '../helpers/scim-server.js';

/**
 * One contract, run over every writable connector (the way the Singer SDK runs one standard test
 * class against every tap): listing across page boundaries, lookup by match key, create → update →
 * deactivate → delete, a lost create settled by lookup, error classification, and redaction of its
 * credentials. Every server sits behind a fault proxy, so the faults are the same for our emulator
 * and for a real server no one on the team wrote. The subjects come from the registries (see subjectsOf):
 * a new connector the sandbox emulates is under contract as soon as it is registered.
 */
interface Server {
  /** The connector's config entry (secrets as env: references) and the environment it reads them from. */
  config: { type: string } & Record<string, unknown>;
  env: Record<string, string>;
  /** The most records the server puts in a page, whatever it is asked for (undefined: what is asked). */
  pageCap?: number;
  stop(): Promise<void>;
}

/**
 * The same platform of a fresh, empty emulator — in its default (strict) mode, or with settings that
 * make it behave as a tenant could where the vendor's evidence is silent.
 */
const emulated =
  (type: string, settings: Record<string, unknown> = {}, config: Record<string, unknown> = {}) =>
  async (): Promise<Server> => {
    const sandbox: Sandbox = await startSandbox({ port: 0, settings: { accessplanit: { hourlyLimit: Infinity }, [type]: { ...(type === 'accessplanit' ? { hourlyLimit: Infinity } : {}), ...settings } } });
    const client = sandboxClients(sandbox).find((c) => c.config.type === type)!;
    return { config: { ...client.config, ...config }, env: client.env, ...(typeof settings.pageCap === 'number' ? { pageCap: settings.pageCap } : {}), stop: () => sandbox.stop() };
  };

/** scimmy, with or without PATCH, its users with or without `groups` (an optional, read-only attribute): a real SCIM server. */
const scimmy = (patch: boolean, userGroups = true) => async (): Promise<Server> => {
  const server = await startScimServer({ token: 'scim-secret-token-1', patch, userGroups });
  return { config: { type: 'scim', baseUrl: server.url, token: 'env:SCIM_TOKEN' }, env: { SCIM_TOKEN: 'scim-secret-token-1' }, stop: () => server.stop() };
};

/**
 * Better Auth's SCIM plugin, as it ships: a second real SCIM server, whose users carry no `groups`.
 * It advertises PATCH; `patch: 'never'` makes the connector replace with PUT instead.
 */
const betterAuthScim = (patch: 'auto' | 'never') => async (): Promise<Server> => {
  const server = await startBetterAuthScimServer({ token: 'ba-scim-secret-token-1' });
  return { config: { type: 'scim', baseUrl: server.url, token: 'env:SCIM_TOKEN', patch }, env: { SCIM_TOKEN: 'ba-scim-secret-token-1' }, stop: () => server.stop() };
};

/** A server the contract runs against: which platform's connector it exercises, and how it starts. */
interface Subject {
  type: string;
  name: string;
  start: () => Promise<Server>;
}

/**
 * Besides each platform's emulator in its default settings: settings a tenant may have where the
 * vendor's evidence is silent, and real servers no one on the team wrote — listed by hand.
 */
const VARIANTS: Subject[] = [
  { type: 'accessplanit', name: 'emulator: lookups as plain strings', start: emulated('accessplanit', { lookupLists: false }) },
  { type: 'accessplanit', name: 'emulator: a silent page cap of 2', start: emulated('accessplanit', { pageCap: 2 }) },
  { type: 'appenate', name: 'emulator: an empty Name= lists everyone, listAll', start: emulated('appenate', { emptyNameSearch: 'all' }, { listAll: true }) },
  { type: 'appenate', name: 'emulator: errors inside HTTP 200', start: emulated('appenate', { errorsInOk: true }) },
  { type: 'scim', name: 'emulator: writes in /Bulk requests', start: emulated('scim', { bulk: true }) },
  { type: 'scim', name: 'scimmy, PATCH', start: scimmy(true) },
  { type: 'scim', name: 'scimmy, PATCH, users without groups', start: scimmy(true, false) },
  { type: 'scim', name: 'scimmy, PUT only', start: scimmy(false) },
  { type: 'scim', name: 'Better Auth @better-auth/scim, PATCH', start: betterAuthScim('auto') },
  { type: 'scim', name: 'Better Auth @better-auth/scim, PUT: patch never', start: betterAuthScim('never') },
];

/**
 * The subjects, from the registries: every connector hrsync writes with (src/connectors/registry.ts)
 * whose platform the sandbox emulates (its platform registry), in the emulator's default settings —
 * so a platform registered in both is under contract with no line here — then the variants.
 */
function subjectsOf(connectors: ReadonlyArray<Pick<ConnectorDefinition, 'type' | 'role'>>, emulatedTypes: ReadonlySet<string>, variants: readonly Subject[]): Subject[] {
  return [...connectors.filter((c) => c.role === 'target' && emulatedTypes.has(c.type)).map((c): Subject => ({ type: c.type, name: 'emulator', start: emulated(c.type) })), ...variants];
}

/** The writable connectors no subject exercises. */
const uncovered = (connectors: ReadonlyArray<Pick<ConnectorDefinition, 'type' | 'role'>>, subjects: readonly Subject[]): string[] =>
  connectors.filter((c) => c.role === 'target' && !subjects.some((s) => s.type === c.type)).map((c) => c.type);

const EMULATED = new Set<string>(PLATFORMS.filter((p) => 'client' in p && p.client).map((p) => p.name));
const SUBJECTS = subjectsOf(CONNECTORS, EMULATED, VARIANTS);

describe('the connector contract’s subjects', () => {
  it('come from the registries: every writable connector is under contract, and every variant is of a registered one', () => {
    expect(uncovered(CONNECTORS, SUBJECTS)).toEqual([]);
    expect(VARIANTS.filter((v) => connectorFor(v.type)?.role !== 'target').map((v) => v.type)).toEqual([]);
    // A platform registered with neither an emulator nor a variant (a real server) is named, not skipped.
    const added = [...CONNECTORS, { type: 'newlms', role: 'target' as const }];
    expect(uncovered(added, subjectsOf(added, EMULATED, VARIANTS))).toEqual(['newlms']);
    // One emulated: it is a subject of its own, in the emulator's default settings.
    expect(subjectsOf(added, new Set([...EMULATED, 'newlms']), []).map((s) => `${s.type} (${s.name})`)).toContain('newlms (emulator)');
  });
});


const PAGE = 3;
const UPDATED: Partial<Record<Entity, string>> = { users: 'lastName', companies: 'name', groups: 'label' };

describe.each(SUBJECTS.map((s): [string, () => Promise<Server>] => [`${s.type} (${s.name})`, s.start]))('the connector contract: %s', (_name, start) => {
  let server: Server;
  let proxy: FaultProxy;
  let target: Connection;
  let rules: Partial<Record<Entity, RuleSet>>;
  let n = 0;
  /** Records made once because others refer to them (a user's company, a company's groups). */
  const prerequisites = new Map<Entity, CanonicalValues>();

  const open = async (env: Record<string, string> = server.env, extra: Record<string, unknown> = {}, retry?: { baseMs: number }) => {
    const baseUrl = server.config.type === 'springest' ? undefined : proxy.via(String(server.config.baseUrl));
    const config =
      server.config.type === 'springest'
        ? { ...server.config, sites: Object.fromEntries(Object.entries(server.config.sites as Record<string, { baseUrl: string; apiKey: string }>).map(([k, s]) => [k, { ...s, baseUrl: proxy.via(s.baseUrl) }])) }
        : { ...server.config, baseUrl };
    return (await createTarget('contract', { ...config, pageSize: PAGE, ...extra }, { env, ...(retry ? { retry } : {}) })).target;
  };

  /** Values that pass the platform's rules: keys, names, required references (made first). */
  async function fixture(entity: Entity): Promise<CanonicalValues> {
    const i = ++n;
    const values: CanonicalValues =
      entity === 'users' ? { externalId: `C${i}`, email: `c${i}@contract.example.com`, firstName: `First${i}`, lastName: `Last${i}` }
      : entity === 'companies' ? { externalId: `CO${i}`, name: `Company ${i}` }
      : { label: `Group ${i}` };
    for (const [field, rule] of Object.entries(rules[entity]!.fields)) {
      if (!rule.required || !rule.ref || values[field] !== undefined) continue;
      const referenced = await prerequisite(rule.ref.entity);
      const value = String(referenced[rule.ref.field]);
      values[field] = field.endsWith('Ids') ? [value] : value;
    }
    return values;
  }

  async function prerequisite(entity: Entity): Promise<CanonicalValues> {
    if (!prerequisites.has(entity)) {
      const values = await fixture(entity);
      const { id } = await target.writer!.write({ action: 'create', entity, values });
      prerequisites.set(entity, { ...values, id });
    }
    return prerequisites.get(entity)!;
  }

  async function create(entity: Entity): Promise<CanonicalValues> {
    const values = await fixture(entity);
    const { id } = await target.writer!.write({ action: 'create', entity, values });
    expect(id, `${entity} create answers an id`).toBeTruthy();
    return { ...values, id };
  }

  async function listAll(entity: Entity): Promise<CanonicalValues[]> {
    const rows: CanonicalValues[] = [];
    for await (const page of target.list(entity)) rows.push(...page);
    return rows;
  }

  /**
   * The entities the contract's create → update → remove cycle applies to: not records the platform
   * keeps itself, which hrsync only updates (accessplanit's delegates and awards: test/cli/training.test.ts).
   */
  const synced = (): Entity[] => target.entities.filter((e) => !target.writer?.updatesOnly?.(e));

  const failure = async (promise: Promise<unknown>): Promise<RemoteError> => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    return error as RemoteError;
  };

  beforeAll(async () => {
    server = await start();
    proxy = await startFaultProxy(server.config.type === 'springest' ? (server.config.sites as Record<string, { baseUrl: string }>).default!.baseUrl : String(server.config.baseUrl));
    target = await open();
    rules = connectorFor(server.config.type)!.rules;
  });
  afterAll(async () => {
    await target?.close();
    await proxy?.stop();
    await server?.stop();
  });

  it('lists across page boundaries: none, exactly one page, one page and one more', async () => {
    if (!target.can.list) return expect(() => listAll('users')).rejects.toThrow(/cannot (be listed|list users)/);
    const entity = target.entities.includes('groups') ? 'groups' : 'users';
    const before = (await listAll(entity)).length; // prerequisites only
    const made: string[] = [];
    for (const wanted of [0, PAGE, PAGE + 1]) {
      while (made.length < wanted) made.push(String((await create(entity)).id));
      proxy.setRule(() => 'pass');
      const rows = await listAll(entity);
      expect(rows).toHaveLength(before + wanted);
      expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
      for (const id of made) expect(rows.some((r) => r.id === id)).toBe(true);
      // At most one request past the last full page (pages of what the server gives, when it caps them).
      const page = Math.min(PAGE, server.pageCap ?? PAGE);
      expect(proxy.seen.filter((r) => r.method === 'GET').length).toBeLessThanOrEqual(Math.floor((before + wanted) / page) + 2);
    }
  });

  it('checks every key it matches on for duplicates in the input (two rows on one key would both be created)', () => {
    for (const entity of synced()) for (const key of target.writer!.matchKeys(entity)) expect(rules[entity]!.unique, `${entity}.${key}`).toContain(key);
  });

  it('looks a record up by its match keys', async () => {
    for (const entity of synced()) {
      const record = await create(entity);
      const keys = target.writer!.matchKeys(entity).filter((k) => typeof record[k] === 'string' && record[k]);
      const found = await Promise.all(keys.map((field) => target.writer!.lookup(entity, { field, value: String(record[field]) })));
      expect(found[0], `${entity} by ${keys[0]}`).toMatchObject({ id: record.id });
      for (const [i, hit] of found.entries()) if (hit) expect(hit.id, `${entity} by ${keys[i]}`).toBe(record.id);
      expect(await target.writer!.lookup(entity, { field: keys[0]!, value: 'no-such-record-anywhere' })).toBeUndefined();
    }
  });

  it('round-trips create → update → deactivate → delete', async () => {
    for (const entity of DEPENDENCY_ORDER.filter((e) => synced().includes(e))) {
      const record = await create(entity);
      const key = { field: target.writer!.matchKeys(entity)[0]!, value: String(record[target.writer!.matchKeys(entity)[0]!]) };
      const field = UPDATED[entity]!;
      // With the key it is matched on: a platform that finds records by key, not id, needs it.
      await target.writer!.write({ action: 'update', entity, id: String(record.id), values: { [key.field]: key.value, [field]: `Renamed ${n}` } });
      const updated = await target.writer!.lookup(entity, field === 'label' ? { field: 'id', value: String(record.id) } : key);
      if (updated && field in updated) expect(updated[field]).toBe(`Renamed ${n}`);
      const deactivation = target.writer!.deactivation(entity);
      if (deactivation) {
        await target.writer!.write({ action: 'deactivate', entity, id: String(record.id), values: { [key.field]: key.value } });
        expect((await target.writer!.lookup(entity, key))?.[deactivation.field]).toBe(deactivation.value);
      }
      if (target.writer!.canDelete(entity)) {
        await target.writer!.write({ action: 'delete', entity, id: String(record.id) });
        expect(await target.writer!.lookup(entity, { field: 'id', value: String(record.id) })).toBeUndefined();
      }
    }
  });

  it('reads back what it wrote: the same values compare unchanged, so an export imported back writes nothing', async () => {
    if (!target.can.list && !target.can.lookupRecords) return;
    // Fields beyond the keys, as a person writes them; the platform's own rules normalise them first.
    const extra: Partial<Record<Entity, CanonicalValues>> = {
      users: { title: 'Mr', country: 'United Kingdom', jobTitle: 'Warehouse Manager', phone: '+44 1234 567890', dateOfBirth: '1980-02-29', status: 'active' },
      companies: { country: 'United Kingdom', town: 'Leeds' },
    };
    for (const entity of synced()) {
      const ruleSet = rules[entity]!;
      const accepted = (f: string) => f in target.wire[entity]! && !target.writer!.readOnly(entity).includes(f) && (ruleSet.accepts === 'all' || ruleSet.accepts.includes(f));
      const values: CanonicalValues = { ...(await fixture(entity)), ...Object.fromEntries(Object.entries(extra[entity] ?? {}).filter(([f]) => accepted(f))) };
      const record = { entity, file: 'in.csv', line: 2, values, source: {} };
      const issues: Issue[] = [];
      checkRecord(record, ruleSet, new Set(Object.keys(values)), issues);
      expect(issues.filter((i) => i.severity === 'error'), entity).toEqual([]);
      const { id } = await target.writer!.write({ action: 'create', entity, values: record.values });
      const read = target.can.list ? (await listAll(entity)).find((r) => r.id === id)! : (await target.writer!.lookup(entity, { field: 'id', value: id }))!;
      for (const [field, value] of Object.entries(record.values))
        if (accepted(field)) expect(same(field, value, read[field] ?? null), `${entity}.${field}: wrote ${JSON.stringify(value)}, read ${JSON.stringify(read[field])}`).toBe(true);
    }
  });

  /** Whether a user names the groups it is in (by label), on a target that lists both: the membership cases. */
  const carriesGroups = () => target.can.list && target.entities.includes('groups') && 'groups' in (target.wire.users ?? {});

  /** Plans the records against what the target holds now (nothing missing acted on), as `hrsync import` does. */
  async function planOf(values: Array<[Entity, CanonicalValues]>): Promise<Plan> {
    const records: CanonicalRecord[] = values.map(([entity, v], i) => ({ entity, file: `${entity}.csv`, line: i + 2, values: v, source: {} }));
    const current = new Map<Entity, CanonicalValues[]>();
    for (const entity of new Set(values.map(([e]) => e))) current.set(entity, await listAll(entity));
    return buildPlan(target, records, { missing: 'ignore', maxMissing: { count: 0 }, blank: 'ignore', invalid: 0 }, current);
  }

  /** Applies a plan; every operation must succeed. */
  async function apply(plan: Plan): Promise<void> {
    const report = await applyPlan(target, plan.operations, { concurrency: 1, resultsDir: tempDir() });
    expect(report.results.filter((r) => r.status !== 'ok'), 'every write succeeds').toEqual([]);
  }

  /** Two new groups and a user in both, as input rows (groups by label, as a file names them). */
  async function memberRows(): Promise<{ labels: string[]; rows: Array<[Entity, CanonicalValues]> }> {
    const labels = [String((await fixture('groups')).label), String((await fixture('groups')).label)];
    const user = { ...(await fixture('users')), groups: labels };
    return { labels, rows: [...labels.map((label): [Entity, CanonicalValues] => ['groups', { label }]), ['users', user]] };
  }

  /** Membership is read from the groups' members, so these hold whether users carry `groups` or not. */
  const membership = it;

  const groupsOf = async (externalId: unknown) => (await listAll('users')).find((u) => u.externalId === externalId)?.groups ?? null;

  membership('membership: a user created with groups is in them when its users are listed back', async () => {
    if (!carriesGroups()) return;
    const labels = [String((await create('groups')).label), String((await create('groups')).label)];
    const values: CanonicalValues = { ...(await fixture('users')), groups: labels };
    await target.writer!.write({ action: 'create', entity: 'users', values });
    const read = await groupsOf(values.externalId);
    expect(same('groups', labels, read), `wrote ${JSON.stringify(labels)}, read ${JSON.stringify(read)}`).toBe(true);
  });

  membership('membership: once a plan of groups and their members is applied, planning the same input again makes no writes', async () => {
    if (!carriesGroups()) return;
    const { rows } = await memberRows();
    const first = await planOf(rows);
    expect(first.summary).toMatchObject({ create: 3, update: 0 });
    await apply(first);
    const again = await planOf(rows);
    expect(again.operations.map((o) => ({ action: o.action, key: o.key, changes: o.changes }))).toEqual([]);
  });

  membership('membership: a user taken out of one of its groups is planned as that change, applied, and read back so', async () => {
    if (!carriesGroups()) return;
    const { labels, rows } = await memberRows();
    await apply(await planOf(rows));
    const user = rows[2]![1];
    const fewer = await planOf([['users', { ...user, groups: [labels[0]!] }]]);
    expect(fewer.operations.map((o) => ({ action: o.action, changes: o.changes }))).toEqual([{ action: 'update', changes: [{ field: 'groups', from: labels, to: [labels[0]] }] }]);
    await apply(fewer);
    const read = await groupsOf(user.externalId);
    expect(same('groups', [labels[0]!], read), `read ${JSON.stringify(read)}`).toBe(true);
    expect((await planOf([['users', { ...user, groups: [labels[0]!] }]])).operations).toEqual([]);
  });

  /** The HR fields beyond names and keys, on a target whose users carry all three: cost centre, manager (by email) and other companies. */
  const carriesHrFields = () => target.can.list && ['costCenter', 'managerEmail', 'secondaryCompanyIds'].every((f) => f in (target.wire.users ?? {}) && (rules.users!.accepts === 'all' || rules.users!.accepts.includes(f)));

  it('round-trips cost centre, manager and other companies: import writes them, a list reads them back, a re-run plans nothing', async () => {
    // accessplanit's users carry all three (docs/platforms.md): a connector that lost one fails here.
    if (target.type === 'accessplanit') expect(carriesHrFields()).toBe(true);
    if (!carriesHrFields()) return;
    const others = [String((await create('companies')).id), String((await create('companies')).id)];
    const manager = await fixture('users');
    const report: CanonicalValues = { ...(await fixture('users')), costCenter: 'CC-7', managerEmail: manager.email!, secondaryCompanyIds: [others[0]!] };
    const rows: Array<[Entity, CanonicalValues]> = [['users', report], ['users', manager]]; // the report first: the plan orders the manager before it
    const first = await planOf(rows);
    expect(first.summary).toMatchObject({ create: 2 });
    await apply(first);
    const readBack = async () => (await listAll('users')).find((u) => u.externalId === report.externalId)!;
    const read = await readBack();
    for (const field of ['costCenter', 'managerEmail', 'secondaryCompanyIds'])
      expect(same(field, report[field]!, read[field] ?? null), `${field}: wrote ${JSON.stringify(report[field])}, read ${JSON.stringify(read[field])}`).toBe(true);
    expect((await planOf(rows)).operations).toEqual([]);
    // A new manager made in the same run, another cost centre, both other companies: one update after the create.
    const second = await fixture('users');
    const changed: CanonicalValues = { ...report, costCenter: 'CC-8', managerEmail: second.email!, secondaryCompanyIds: others };
    const next = await planOf([['users', changed], ['users', second]]);
    expect(next.summary).toMatchObject({ create: 1, update: 1 });
    await apply(next);
    const again = await readBack();
    for (const field of ['costCenter', 'managerEmail', 'secondaryCompanyIds'])
      expect(same(field, changed[field]!, again[field] ?? null), `${field}: read ${JSON.stringify(again[field])}`).toBe(true);
    expect((await planOf([['users', changed], ['users', second]])).operations).toEqual([]);
    // No manager, no other companies (blanks sent, as --blank clear does): cleared, and read back so.
    await target.writer!.write({ action: 'update', entity: 'users', id: String(again.id), values: { externalId: report.externalId!, managerEmail: null, secondaryCompanyIds: null } });
    expect(await readBack()).toMatchObject({ managerEmail: null, secondaryCompanyIds: null, costCenter: 'CC-8' });
  });

  it('settles a create whose answer was lost: exactly one record, reported ok', async () => {
    const entity: Entity = 'users';
    const values = await fixture(entity);
    proxy.setRule(({ method, index }) => (method === 'POST' && index <= 1 ? 'reset-after' : 'pass'));
    const report = await applyPlan(target, [{ action: 'create', entity, key: `externalId=${String(values.externalId)}`, values }], { concurrency: 1, resultsDir: tempDir() });
    proxy.setRule(() => 'pass');
    expect(report.results[0]).toMatchObject({ status: 'ok' });
    const found = await target.writer!.lookup(entity, { field: 'externalId', value: String(values.externalId) });
    expect(found).toBeDefined();
    if (target.can.list) expect((await listAll(entity)).filter((u) => u.externalId === values.externalId)).toHaveLength(1);
  });

  it('classifies failures: refused credentials, a rejected record, a rate limit, a failing server', async () => {
    const secretEnv = Object.keys(server.env)[0]!;
    const wrong = await open({ ...server.env, [secretEnv]: 'wrong-secret-value' });
    try {
      const auth = await failure(wrong.can.list ? (async () => { for await (const _ of wrong.list('users')) break; })() : wrong.check!());
      expect(auth.kind).toBe('auth');
      expect(auth.exitCode).toBe(4);
    } finally {
      await wrong.close();
    }
    // A record the platform's own rules reject: its first required field blank.
    const entity = target.entities.find((e) => Object.values(rules[e]!.fields).some((r) => r.required) || rules[e]!.oneRequired)!;
    const values = await fixture(entity);
    for (const [field, rule] of Object.entries(rules[entity]!.fields)) if (rule.required && !rule.ref) values[field] = null;
    for (const group of rules[entity]!.oneRequired ?? []) for (const field of group) delete values[field];
    const rejected = await failure(target.writer!.write({ action: 'create', entity, values }));
    expect(rejected.kind).toBe('validation');
    expect(rejected.fieldErrors.length).toBeGreaterThan(0);

    // Tried again as in a run, with a backoff of milliseconds, not seconds: the classification is the test, not the wait.
    const quick = await open(server.env, {}, { baseMs: 1 });
    try {
      await quick.writer!.lookup('users', { field: quick.writer!.matchKeys('users')[0]!, value: 'x' }); // what it learns first (SCIM: the server's features)
      proxy.setRule(() => ({ status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '0' } }));
      expect((await failure(quick.writer!.lookup('users', { field: quick.writer!.matchKeys('users')[0]!, value: 'x' }))).kind).toBe('rate_limited');
      proxy.setRule(() => ({ status: 500, body: { message: 'boom' } }));
      expect((await failure(quick.writer!.lookup('users', { field: quick.writer!.matchKeys('users')[0]!, value: 'x' }))).kind).toBe('unavailable');
    } finally {
      proxy.setRule(() => 'pass');
      await quick.close();
    }
  });

  it('takes a success that is not the platform’s answer (a sign-in page, {}, null, a string) for a failure, never for "nothing there"', async () => {
    const LOGIN = '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/sso">Sign in to continue</form></body></html>';
    const answers = [
      { status: 200, body: LOGIN, headers: { 'content-type': 'text/html; charset=utf-8' }, shown: /answered 200 with text\/html \("<!DOCTYPE html><html><head><title>Sign in/ },
      { status: 200, body: {}, shown: /answered 200 with JSON an empty object \(application\/json\)/ },
      { status: 200, body: 'null', shown: /answered 200 with JSON null/ },
      { status: 200, body: '"ok"', shown: /answered 200 with JSON a string/ },
      { status: 200, body: { Resources: 'x', results: 'x', Users: 'x', UserGroups: 'x' }, shown: /answered 200 with JSON an object with/ },
    ];
    const entity = target.entities.includes('groups') ? 'groups' : 'users';
    const key = { field: target.writer!.matchKeys('users')[0]!, value: 'someone' };
    const values = await fixture('users');
    for (const { shown, ...answer } of answers) {
      proxy.setRule(() => answer);
      const tries: Array<[string, Promise<unknown>]> = [
        ['lookup', target.writer!.lookup('users', key)],
        // A JSON object without the id is a create answered without its id: apply settles it by lookup.
        ...(typeof answer.body === 'object' ? [] : [['create', target.writer!.write({ action: 'create', entity: 'users', values })] as [string, Promise<unknown>]]),
        ...(target.can.list ? [['list', listAll(entity)] as [string, Promise<unknown>]] : []),
      ];
      const outcomes = await Promise.allSettled(tries.map(([, promise]) => promise));
      for (const [i, [what]] of tries.entries()) {
        const outcome = outcomes[i]!;
        expect(outcome.status, what).toBe('rejected');
        const error = (outcome as PromiseRejectedResult).reason as RemoteError;
        expect(error, what).toBeInstanceOf(RemoteError);
        expect([what, error.kind, error.exitCode]).toEqual([what, 'unexpected_answer', 4]);
        expect(error.message, what).toMatch(/: (GET|POST) \/\S*: answered 200 with /);
        expect(error.message, what).toMatch(shown);
        expect(error.message, what).not.toMatch(/never answered|no answer/);
      }
    }
    proxy.setRule(() => 'pass');
  });

  it('never leaves a collection for a record whose id is "." or "..": refused, naming the id and the target', async () => {
    proxy.setRule(() => 'pass');
    for (const entity of synced())
      for (const id of ['..', '.', '%2e%2E', '']) {
        const tries = [
          target.writer!.lookup(entity, { field: 'id', value: id }),
          ...(['update', 'delete'] as const).map((action) => target.writer!.write({ action, entity, id, values: { [target.writer!.matchKeys(entity)[0]!]: 'k', [UPDATED[entity]!]: 'x' } })),
        ];
        for (const outcome of await Promise.allSettled(tries)) {
          if (outcome.status === 'fulfilled') continue; // a platform that finds records by query, never by path
          const error = outcome.reason as Error;
          if (!(error instanceof RemoteError) || !/cannot be put in a URL/.test(error.message)) continue; // refused by the server, in its collection
          expect(error.message).toContain(`the id ${JSON.stringify(id)} cannot be put in a URL`);
          expect(error.message).toContain(target.label);
        }
      }
    // Every request stayed on a record or a query of its collection: none ended at a collection or the root.
    const outside = proxy.seen.filter((r) => new URL(r.path, 'http://x').pathname.endsWith('/'));
    expect(outside).toEqual([]);
  });

  it('never shows its credentials, even when a server echoes the request back in every error shape', async () => {
    const secrets = Object.values(server.env);
    // The echo starts just before the 300th character, where a message is cut; and in each platform's field-error shape.
    const echo = (req: { path: string; headers: unknown; body: string }) => `${'x'.repeat(285)}${req.path} ${JSON.stringify(req.headers)} ${req.body}`;
    const shapes = [
      (text: string) => ({ message: text, errors: [{ field: text, message: text }] }),
      (text: string) => ({ errors: { [text]: [text] } }),
      (text: string) => ({ ResponseStatus: { ErrorCode: 'x', Message: text, Errors: [{ FieldName: text, Message: text }] } }),
      (text: string) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: text, detail: text }),
    ];
    for (const shape of shapes) {
      proxy.setRule((req) => ({ status: 400, body: shape(echo(req)) }));
      const error = await failure(target.writer!.write({ action: 'create', entity: 'users', values: await fixture('users') }));
      const shown = [error.message, error.hint ?? '', error.stack ?? '', JSON.stringify(error), JSON.stringify(error.fieldErrors)].join('\n');
      for (const secret of secrets) expect(shown).not.toContain(secret.slice(0, 6));
    }
    proxy.setRule(() => 'pass');
  });
});
