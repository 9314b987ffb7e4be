import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTarget } from '../../src/app/create-target.js';
import { applyPlan } from '../../src/core/apply/apply.js';
import type { PlannedOp } from '../../src/core/plan/plan.js';
import type { Connection } from '../../src/core/ports.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { countRequests } from '../../src/sandbox/stats.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { tempDir } from '../helpers/files.js';

const TOKEN = 'scim-bulk-connector-5';
const MAX = 10;

type Settings = Record<string, unknown>;
interface Setup {
  sandbox: Sandbox;
  proxy: FaultProxy;
  target: Connection;
}

/** The emulator with these settings, hrsync's SCIM connector on it through a proxy that can stand in for it. */
async function setup(settings: Settings, config: Settings = {}): Promise<Setup> {
  const sandbox = await startSandbox({ port: 0, credentials: { scim: { token: TOKEN } }, settings: { scim: settings } });
  const proxy = await startFaultProxy(sandbox.url);
  const target = (await createTarget('idp', { type: 'scim', baseUrl: proxy.via(sandbox.urls.scim), token: 'env:T', ...config }, { env: { T: TOKEN } })).target;
  return { sandbox, proxy, target };
}
const teardown = async (s: Setup | undefined) => {
  await s?.target.close();
  await s?.proxy.stop();
  await s?.sandbox.stop();
};

const create = (i: number, values: Settings = {}): PlannedOp => ({
  action: 'create', entity: 'users', key: `externalId=E${i}`, file: 'in.csv', line: i + 2, source: { id: `E${i}` },
  values: { externalId: `E${i}`, email: `u${i}@example.co.uk`, firstName: `First${i}`, lastName: `Last${i}`, ...values },
});
const creates = (n: number, from = 0) => Array.from({ length: n }, (_, i) => create(from + i));
const requests = (s: Setup, endpoint: string, method = 'POST') => countRequests(s.sandbox.stats(), { platform: 'scim', endpoint, method });
const users = (s: Setup) => s.sandbox.state().scim.Users.rows();
/** results.csv and the journal: one line each per operation. */
function written(dir: string): { results: Array<Record<string, string>>; journal: Array<Record<string, unknown>> } {
  return {
    results: parse(readFileSync(join(dir, 'results.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>,
    journal: readFileSync(join(dir, 'journal.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('SCIM /Bulk: writes gathered into bulk requests where the provider offers it', () => {
  let s: Setup | undefined;
  afterEach(async () => {
    await teardown(s);
    s = undefined;
  });

  it(`makes N creates in ceil(N / maxOperations) requests, every row in results.csv and the journal with its new id`, async () => {
    s = await setup({ bulk: true, bulkMaxOperations: MAX });
    const dir = tempDir();
    const report = await applyPlan(s.target, creates(25), { concurrency: 2, resultsDir: dir });
    expect(report).toMatchObject({ ok: 25, failed: 0, unknown: 0, skipped: 0 });
    expect(requests(s, 'Bulk')).toBe(3);
    expect(requests(s, 'Users')).toBe(0);
    const ids = new Map(users(s).map((u) => [u.externalId, u.id]));
    expect(ids.size).toBe(25);
    const { results, journal } = written(dir);
    expect(results).toHaveLength(25);
    for (const r of results) expect(r).toMatchObject({ status: 'ok', targetId: ids.get(r.key!.replace('externalId=', '')) });
    expect(journal.map((j) => j.key).sort()).toEqual(results.map((r) => r.key).sort());
  });

  it('fails only the row the provider refuses, with its detail; the rest of the batch is created', async () => {
    s = await setup({ bulk: true, bulkMaxOperations: MAX });
    const ops = creates(MAX);
    ops[3] = create(3, { email: 'u0@example.co.uk' }); // row 0's userName: 409 uniqueness
    ops[6] = create(6, { country: 'England' }); // not an ISO 3166-1 alpha-2 code: 400
    const report = await applyPlan(s.target, ops, { concurrency: 2, resultsDir: tempDir() });
    expect(requests(s, 'Bulk')).toBe(1);
    expect(report).toMatchObject({ ok: MAX - 2, failed: 2 });
    const failed = report.results.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.op.key)).toEqual(['externalId=E3', 'externalId=E6']);
    expect(failed[0]!.error).toMatch(/409.*already in use/);
    expect(failed[1]!.error).toMatch(/invalidValue: addresses\.country 'England'/);
    expect(users(s)).toHaveLength(MAX - 2);
  });

  it('packs requests within maxPayloadSize, and halves a batch the provider answers 413', async () => {
    s = await setup({ bulk: true, bulkMaxOperations: MAX, bulkMaxPayloadSize: 4_000 });
    await applyPlan(s.target, creates(MAX), { concurrency: 1, resultsDir: tempDir() });
    const small = requests(s, 'Bulk');
    expect(small).toBeGreaterThan(1); // ten users do not fit in 4,000 bytes
    expect(countRequests(s.sandbox.stats(), { platform: 'scim', endpoint: 'Bulk', status: 413 })).toBe(0);
    // A provider that takes less than it advertises: more than three operations is 413 here.
    s.proxy.setRule(({ path, body }) => (path.endsWith('/Bulk') && (JSON.parse(body) as { Operations: unknown[] }).Operations.length > 3 ? { status: 413, body: { status: '413', detail: 'too large' } } : 'pass'));
    const report = await applyPlan(s.target, creates(8, 100), { concurrency: 1, resultsDir: tempDir() });
    expect(report).toMatchObject({ ok: 8, failed: 0 });
    expect(users(s)).toHaveLength(MAX + 8);
    expect(s.proxy.seen.filter((r) => typeof r.action === 'object').length).toBeGreaterThan(0);
  });

  it('settles the creates of a bulk whose answer was lost by looking them up: no second POST, no duplicate', async () => {
    s = await setup({ bulk: true, bulkMaxOperations: MAX });
    s.proxy.setRule(({ path, index }) => (path.endsWith('/Bulk') && index < 5 ? 'reset-after' : 'pass'));
    const report = await applyPlan(s.target, creates(6), { concurrency: 1, resultsDir: tempDir() });
    expect(report).toMatchObject({ ok: 6, failed: 0, unknown: 0 });
    expect(s.proxy.seen.filter((r) => r.path.endsWith('/Bulk'))).toHaveLength(1);
    expect(s.proxy.seen.filter((r) => r.method === 'POST' && r.path.endsWith('/Users'))).toHaveLength(0);
    expect(users(s)).toHaveLength(6);
  });

  it('sends an operation the provider did not perform (429, 503 inside the answer) again on its own', async () => {
    s = await setup({ bulk: true, bulkMaxOperations: MAX });
    s.proxy.setRule(({ path, body }) => {
      if (!path.endsWith('/Bulk')) return 'pass';
      const ops = (JSON.parse(body) as { Operations: Array<{ bulkId: string }> }).Operations;
      return { status: 200, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkResponse'], Operations: ops.map((o) => ({ method: 'POST', bulkId: o.bulkId, status: '503', response: { status: '503', detail: 'busy' } })) } };
    });
    const report = await applyPlan(s.target, creates(3), { concurrency: 1, resultsDir: tempDir() });
    expect(report).toMatchObject({ ok: 3, failed: 0 });
    expect(s.proxy.seen.filter((r) => r.path.endsWith('/Bulk'))).toHaveLength(1);
    expect(s.proxy.seen.filter((r) => r.method === 'POST' && r.path.endsWith('/Users'))).toHaveLength(3);
    expect(users(s)).toHaveLength(3);
  });

  it('updates, deactivates and deletes in bulk too, each user read first', async () => {
    s = await setup({ bulk: true, bulkMaxOperations: MAX });
    const made = await applyPlan(s.target, creates(6), { concurrency: 1, resultsDir: tempDir() });
    const id = (i: number) => made.results[i]!.id!;
    const ops: PlannedOp[] = [
      ...[0, 1, 2].map((i) => ({ action: 'update' as const, entity: 'users' as const, key: `externalId=E${i}`, id: id(i), values: { lastName: `Renamed${i}` } })),
      { action: 'deactivate', entity: 'users', key: 'externalId=E3', id: id(3), values: { externalId: 'E3' } },
      { action: 'delete', entity: 'users', key: 'externalId=E4', id: id(4) },
      { action: 'delete', entity: 'users', key: 'externalId=E5', id: id(5) },
    ];
    const bulks = requests(s, 'Bulk');
    const report = await applyPlan(s.target, ops, { concurrency: 2, resultsDir: tempDir() });
    expect(report).toMatchObject({ ok: 6, failed: 0 });
    expect(requests(s, 'Bulk') - bulks).toBe(2); // the updates and the deactivation, then the deletes
    expect(countRequests(s.sandbox.stats(), { platform: 'scim', method: ['PATCH', 'PUT', 'DELETE'] })).toBe(0);
    expect(users(s).map((u) => [u.externalId, (u.name as { familyName: string }).familyName, u.active ?? true])).toEqual([
      ['E0', 'Renamed0', true], ['E1', 'Renamed1', true], ['E2', 'Renamed2', true], ['E3', 'Last3', false],
    ]);
  });

  it('names a manager made earlier in the run by the id its create answered: no lookup', async () => {
    s = await setup({ bulk: true, bulkMaxOperations: MAX });
    const reports = [1, 2, 3].map((i) => ({ ...create(i, { managerEmail: 'u0@example.co.uk' }), after: ['externalId=E0'] }));
    const reads = () => countRequests(s!.sandbox.stats(), { platform: 'scim', endpoint: 'Users', method: 'GET' });
    const before = reads();
    const report = await applyPlan(s.target, [create(0), ...reports], { concurrency: 1, resultsDir: tempDir() });
    expect(report).toMatchObject({ ok: 4, failed: 0 });
    expect(reads() - before).toBe(0);
    expect(requests(s, 'Bulk')).toBe(2); // the manager, then the three reports
    const manager = users(s).find((u) => u.externalId === 'E0')!.id;
    const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    for (const u of users(s).filter((u) => u.externalId !== 'E0')) expect(u[ENTERPRISE]).toMatchObject({ manager: { value: manager } });
  });

  it('joins a new user to its groups by bulkId reference in the same request', async () => {
    s = await setup({ bulk: true, bulkMaxOperations: MAX });
    const groups = await applyPlan(s.target, ['Sales', 'Ops'].map((label) => ({ action: 'create' as const, entity: 'groups' as const, key: `label=${label}`, values: { label } })), { concurrency: 1, resultsDir: tempDir() });
    expect(groups.ok).toBe(2);
    const writes = () => countRequests(s!.sandbox.stats(), { platform: 'scim', method: ['POST', 'PUT', 'PATCH', 'DELETE'] });
    const before = writes();
    const report = await applyPlan(s.target, [create(1, { groups: ['Sales', 'Ops'] }), create(2, { groups: ['Ops'] })], { concurrency: 1, resultsDir: tempDir() });
    expect(report.ok).toBe(2);
    expect(writes() - before).toBe(1); // one bulk: two POSTs and three PATCHes of groups
    expect(requests(s, 'Bulk')).toBe(2); // the groups' one, and this one
    const members = (label: string) => (s!.sandbox.state().scim.Groups.rows().find((g) => g.displayName === label)!.members as Array<{ value: string }>).map((m) => m.value);
    const id = (i: number) => String(users(s!).find((u) => u.externalId === `E${i}`)!.id);
    expect(members('Sales')).toEqual([id(1)]);
    expect(members('Ops').sort()).toEqual([id(1), id(2)].sort());
  });
});

describe('SCIM without /Bulk, or with `bulk: "never"`: one request per write, as before', () => {
  let s: Setup | undefined;
  afterAll(() => teardown(s));
  beforeAll(async () => {
    s = await setup({ bulk: true, bulkMaxOperations: MAX }, { bulk: 'never' });
  });

  it('sends each create on its own when the config says never', async () => {
    const report = await applyPlan(s!.target, creates(12), { concurrency: 4, resultsDir: tempDir() });
    expect(report.ok).toBe(12);
    expect(requests(s!, 'Bulk')).toBe(0);
    expect(requests(s!, 'Users')).toBe(12);
  });

  it('sends each create on its own to a provider that does not offer bulk', async () => {
    const plain = await setup({});
    try {
      const report = await applyPlan(plain.target, creates(12), { concurrency: 4, resultsDir: tempDir() });
      expect(report.ok).toBe(12);
      expect(requests(plain, 'Bulk')).toBe(0);
      expect(requests(plain, 'Users')).toBe(12);
    } finally {
      await teardown(plain);
    }
  });
});
