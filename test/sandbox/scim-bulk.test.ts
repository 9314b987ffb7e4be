import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { countRequests } from '../../src/sandbox/stats.js';
import { call } from '../helpers/sandbox.js';

const TOKEN = 'scim-bulk-token-3';
const AUTH = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

type Op = Record<string, unknown>;
const user = (n: string, bulkId = n): Op => ({ method: 'POST', path: '/Users', bulkId, data: { schemas: [USER], userName: `${n}@x.co.uk` } });

/** The emulator's POST /Bulk, RFC 7644 §3.7: limits, failOnErrors, per-operation statuses, bulkId references. */
describe('SCIM emulator: /Bulk', () => {
  let sandbox: Sandbox;
  const limits = { bulkMaxOperations: 4, bulkMaxPayloadSize: 2_000 };
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, credentials: { scim: { token: TOKEN } }, settings: { scim: { bulk: true, ...limits } } });
  });
  afterAll(() => sandbox.stop());
  const bulk = (Operations: Op[], more: Op = {}) => call(`${sandbox.urls.scim}/Bulk`, { method: 'POST', headers: AUTH, body: JSON.stringify({ schemas: [BULK], Operations, ...more }) });
  const users = () => sandbox.state().scim.Users.rows();

  it('advertises bulk with its limits in /ServiceProviderConfig', async () => {
    const config = await call(`${sandbox.urls.scim}/ServiceProviderConfig`, { headers: AUTH });
    expect(config.body.bulk).toEqual({ supported: true, maxOperations: 4, maxPayloadSize: 2_000 });
  });

  it('answers each operation as its single request would: 201 with a location, 409 for a taken userName, the rest carried on', async () => {
    const reply = await bulk([user('a1'), user('a1', 'again'), user('a2')]);
    expect(reply.status).toBe(200);
    const [first, taken, third] = reply.body.Operations;
    expect(first).toMatchObject({ method: 'POST', bulkId: 'a1', status: '201' });
    expect(first.location).toMatch(/\/scim\/v2\/Users\/[0-9a-f-]{36}$/);
    expect(taken).toMatchObject({ bulkId: 'again', status: '409', response: { scimType: 'uniqueness', status: '409' } });
    expect(third).toMatchObject({ bulkId: 'a2', status: '201' });
    expect(users().filter((u) => String(u.userName).startsWith('a'))).toHaveLength(2);
  });

  it('resolves bulkId references, a group naming users created later in the same request included', async () => {
    const reply = await bulk([
      { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP], displayName: 'Bulkers', members: [{ value: 'bulkId:b1' }, { value: 'bulkId:b2' }] } },
      user('b1'),
      user('b2'),
    ]);
    expect(reply.body.Operations.map((o: Op) => o.status)).toEqual(['201', '201', '201']);
    const group = sandbox.state().scim.Groups.rows().find((g) => g.displayName === 'Bulkers')!;
    const ids = ['b1', 'b2'].map((n) => users().find((u) => u.userName === `${n}@x.co.uk`)!.id);
    expect((group.members as Array<{ value: string }>).map((m) => m.value)).toEqual(ids);
  });

  it('fails a reference to a POST that failed, or to no POST, with 409, and PATCHes by reference', async () => {
    const reply = await bulk([
      user('a1', 'dup'), // taken above
      { method: 'PATCH', path: '/Users/bulkId:dup', bulkId: 'p1', data: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'x' }] } },
      { method: 'DELETE', path: '/Users/bulkId:nowhere', bulkId: 'd1' },
    ]);
    expect(reply.body.Operations.map((o: Op) => [o.bulkId, o.status])).toEqual([['dup', '409'], ['p1', '409'], ['d1', '409']]);
  });

  it('stops after failOnErrors failures and lists only what it handled', async () => {
    const reply = await bulk([user('a1', 'x1'), user('a2', 'x2'), user('c1')], { failOnErrors: 2 });
    expect(reply.body.Operations.map((o: Op) => o.status)).toEqual(['409', '409']);
    expect(users().some((u) => u.userName === 'c1@x.co.uk')).toBe(false);
  });

  it('refuses more than maxOperations, or a body over maxPayloadSize, with 413 and changes nothing', async () => {
    const before = users().length;
    const many = await bulk(['d1', 'd2', 'd3', 'd4', 'd5'].map((n) => user(n)));
    expect(many.status).toBe(413);
    expect(many.body).toMatchObject({ status: '413', detail: expect.stringContaining('maxOperations (4)') });
    const big = await bulk([{ ...user('d6'), data: { schemas: [USER], userName: 'd6@x.co.uk', title: 'x'.repeat(2_000) } }]);
    expect(big.status).toBe(413);
    expect(big.body.detail).toContain('maxPayloadSize (2000)');
    expect(users().length).toBe(before);
  });

  it('deletes, with the location of what it removed; an injected fault strikes the request as a whole', async () => {
    const id = String(users().find((u) => u.userName === 'a2@x.co.uk')!.id);
    const reply = await bulk([{ method: 'DELETE', path: `/Users/${id}`, bulkId: 'del' }]);
    expect(reply.body.Operations[0]).toMatchObject({ status: '204', location: expect.stringMatching(new RegExp(`/Users/${id}$`)) });
    sandbox.setFaults({ '503': 1 });
    const before = users().length;
    const faulted = await bulk([user('e1'), user('e2')]);
    sandbox.setFaults({});
    expect(faulted.status).toBe(503);
    expect(users().length).toBe(before);
    expect(countRequests(sandbox.stats(), { platform: 'scim', endpoint: 'Bulk', method: 'POST', status: 503 })).toBe(1);
  });

  it('is not offered unless its setting says so: 501, and advertised as unsupported', async () => {
    const plain = await startSandbox({ port: 0, credentials: { scim: { token: TOKEN } } });
    try {
      const reply = await call(`${plain.urls.scim}/Bulk`, { method: 'POST', headers: AUTH, body: JSON.stringify({ schemas: [BULK], Operations: [user('z')] }) });
      expect(reply.status).toBe(501);
      expect((await call(`${plain.urls.scim}/ServiceProviderConfig`, { headers: AUTH })).body.bulk.supported).toBe(false);
    } finally {
      await plain.stop();
    }
  });
});
