import { UnifiedTo } from '@unified-api/typescript-sdk';
import { describe, expect, it } from 'vitest';
import { call, useSandbox } from '../helpers/sandbox.js';

describe('Unified emulation', () => {
  const sandbox = useSandbox();
  const list = (query = '', auth = 'Bearer sandbox-key') => call(`${sandbox().url}/hris/sandbox/employee${query}`, { headers: { authorization: auth } });

  it('checks the key, with or without "Bearer", and the connection', async () => {
    expect((await list('', 'Bearer wrong')).status).toBe(401);
    expect((await list('', 'sandbox-key')).status).toBe(200);
    expect((await call(`${sandbox().url}/hris/other/employee`, { headers: { authorization: 'sandbox-key' } })).status).toBe(404);
  });

  it('seeds a few hundred employees with the mess of real HR data', async () => {
    const all = (await list('?limit=1000')).body as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(all).toHaveLength(300);
    const statuses = new Set(all.map((e) => e.employment_status));
    expect([...statuses].sort()).toEqual(['ACTIVE', 'INACTIVE', 'ON_LEAVE']);
    expect(all.some((e) => !e.emails.some((m: { type: string }) => m.type === 'WORK'))).toBe(true);
    expect(all.some((e) => e.emails.some((m: { email: string }) => m.email !== m.email.toLowerCase()))).toBe(true);
    expect(all.some((e) => e.manager_id)).toBe(true);
    expect(all.some((e) => e.gender === 'PREFER_NOT_TO_SAY')).toBe(true);
  });

  it('pages with limit and offset, sorts, filters by updated_gte and query, and gets one by id', async () => {
    const first = (await list('?limit=10&offset=0&sort=updated_at&order=desc')).body;
    const second = (await list('?limit=10&offset=10&sort=updated_at&order=desc')).body;
    expect(first).toHaveLength(10);
    expect(first.at(-1).updated_at >= second[0].updated_at).toBe(true);
    const since = first[4].updated_at;
    const recent = (await list(`?limit=1000&updated_gte=${encodeURIComponent(since)}`)).body;
    expect(recent).toHaveLength(5);
    const one = first[0];
    expect((await call(`${sandbox().url}/hris/sandbox/employee/${one.id}`, { headers: { authorization: 'sandbox-key' } })).body).toEqual(one);
    const named = (await list(`?limit=1000&query=${encodeURIComponent(one.last_name)}`)).body;
    expect(named.some((e: { id: string }) => e.id === one.id)).toBe(true);
    expect((await list('?limit=0')).status).toBe(400);
    expect((await list('?sort=salary')).status).toBe(400);
  });

  it('is accepted by the official Unified TypeScript SDK', async () => {
    const sdk = new UnifiedTo({ serverURL: sandbox().url, security: { jwt: 'sandbox-key' } });
    const page = await sdk.hris.listHrisEmployees({ connectionId: 'sandbox', limit: 50, offset: 0, sort: 'name', order: 'asc' });
    expect(page).toHaveLength(50);
    expect(page[0]!.name! <= page[1]!.name!).toBe(true);
    expect(page[0]!.createdAt).toBeInstanceOf(Date);
    expect(page[0]!.emails?.[0]?.email).toContain('@');
    const one = await sdk.hris.getHrisEmployee({ connectionId: 'sandbox', id: page[0]!.id! });
    expect(one.id).toBe(page[0]!.id);
    expect(one.address?.postalCode).toBeTruthy();
    await expect(new UnifiedTo({ serverURL: sandbox().url, security: { jwt: 'wrong' } }).hris.listHrisEmployees({ connectionId: 'sandbox' })).rejects.toThrow(/401|Unauthorized/);
  });
});
