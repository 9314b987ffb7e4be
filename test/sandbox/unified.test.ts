import { UnifiedTo } from '@unified-api/typescript-sdk';
import { describe, expect, it } from 'vitest';
import { UnifiedTarget } from '../../src/connectors/unified/target.js';
import type { CanonicalValues } from '../../src/core/model/canonical.js';
import { call, useSandbox, type Reply } from '../helpers/sandbox.js';

/** Every record of a list, 100 a page (the documented largest page). */
async function everyRecord(get: (query: string) => Promise<Reply>, query = ''): Promise<Array<Record<string, any>>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const out = [];
  for (let offset = 0; ; offset += 100) {
    const page = (await get(`?limit=100&offset=${offset}${query}`)).body as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    out.push(...page);
    if (page.length < 100) return out;
  }
}

describe('Unified emulation', () => {
  const sandbox = useSandbox();
  const list = (query = '', auth = 'Bearer sandbox-key') => call(`${sandbox().url}/hris/sandbox/employee${query}`, { headers: { authorization: auth } });

  it('checks the key, with or without "Bearer", and the connection', async () => {
    expect((await list('', 'Bearer wrong')).status).toBe(401);
    expect((await list('', 'sandbox-key')).status).toBe(200);
    expect((await call(`${sandbox().url}/hris/other/employee`, { headers: { authorization: 'sandbox-key' } })).status).toBe(404);
  });

  it('seeds a few hundred employees with the mess of real HR data', async () => {
    const all = await everyRecord(list);
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
    const recent = await everyRecord(list, `&updated_gte=${encodeURIComponent(since)}`);
    expect(recent).toHaveLength(5);
    const one = first[0];
    expect((await call(`${sandbox().url}/hris/sandbox/employee/${one.id}`, { headers: { authorization: 'sandbox-key' } })).body).toEqual(one);
    const named = await everyRecord(list, `&query=${encodeURIComponent(one.last_name)}`);
    expect(named.some((e) => e.id === one.id)).toBe(true);
    expect((await list('?limit=0')).status).toBe(400);
    // At most 100 a page [doc]; a larger limit is answered with 100, silently [guess].
    expect((await list('?limit=1000')).body).toHaveLength(100);
    expect((await list('?limit=150&offset=250')).body).toHaveLength(50);
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

describe('Unified emulation: companies and groups, and the list parameters integrations differ on', () => {
  const sandbox = useSandbox();
  type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const get = (resource: string, query = '', auth = 'sandbox-key') => call(`${sandbox().url}/hris/sandbox/${resource}${query}`, { headers: { authorization: auth } });
  const sdk = () => new UnifiedTo({ serverURL: sandbox().url, security: { jwt: 'sandbox-key' } });

  it('lists companies and groups with the employee list’s key check, paging, sort and fields, and gets one by id', async () => {
    expect((await get('company', '', 'wrong')).status).toBe(401);
    expect((await call(`${sandbox().url}/hris/other/group`, { headers: { authorization: 'sandbox-key' } })).status).toBe(404);
    const companies = (await get('company', '?limit=100')).body as Rec[];
    expect(companies.length).toBeGreaterThanOrEqual(3);
    for (const c of companies) expect(c).toMatchObject({ id: expect.stringMatching(/^cmp_/), name: expect.any(String), legal_name: expect.any(String), created_at: expect.any(String), address: { country_code: expect.any(String) } });
    const groups = (await get('group', '?limit=100')).body as Rec[];
    expect(groups.length).toBeGreaterThanOrEqual(5);
    for (const g of groups) expect(g).toMatchObject({ id: expect.stringMatching(/^grp_/), name: expect.any(String), type: expect.stringMatching(/^[A-Z_]+$/) });
    expect((await get('group', '?limit=2&offset=2&sort=name')).body).toEqual([...groups].sort((a, b) => (a.name < b.name ? -1 : 1)).slice(2, 4));
    expect((await get(`company/${companies[1]!.id}`)).body).toEqual(companies[1]);
    expect((await get('company/cmp_nope')).status).toBe(404);
    expect((await get('group', '?fields=name')).body[0]).toEqual({ id: groups[0]!.id, name: groups[0]!.name });
    expect((await get('company', '?limit=0')).status).toBe(400);
    expect((await call(`${sandbox().url}/hris/sandbox/company`, { method: 'POST', headers: { authorization: 'sandbox-key' } })).status).toBe(405);
  });

  it('names the HR system’s own companies and groups on employees (cmp_… ids, not a training platform’s)', async () => {
    const companies = new Set(((await get('company')).body as Rec[]).map((c) => c.id));
    const groups = new Set(((await get('group')).body as Rec[]).map((g) => g.id));
    const employees = await everyRecord((q) => get('employee', q));
    expect(employees.every((e) => companies.has(e.company_id))).toBe(true);
    expect(new Set(employees.map((e) => e.company_id)).size).toBe(companies.size);
    expect(employees.every((e) => e.groups.length > 0 && e.groups.every((g: Rec) => groups.has(g.id)))).toBe(true);
    // As the SDK shapes them (HrisGroup): id, name and type — or, as it allows, the id alone.
    const refs = employees.flatMap((e) => e.groups as Rec[]);
    expect(new Set(refs.filter((g) => g.name).map((g) => g.type))).toEqual(new Set(['DEPARTMENT', 'DIVISION', 'TEAM', 'BUSINESS_UNIT']));
    expect(refs.filter((g) => !g.name).map((g) => Object.keys(g))).toEqual(Array(17).fill(['id']));
  });

  it('takes fields exploded (fields=a&fields=b, as the SDK sends them) or comma-joined, and group_id', async () => {
    const exploded = (await get('employee', '?limit=3&fields=name&fields=emails')).body as Rec[];
    const joined = (await get('employee', '?limit=3&fields=name,emails')).body as Rec[];
    expect(exploded).toEqual(joined);
    expect(Object.keys(exploded[0]!).sort()).toEqual(['emails', 'id', 'name']);
    const all = await everyRecord((q) => get('employee', q));
    const group = all[0]!.groups[0].id as string;
    const members = await everyRecord((q) => get('employee', q), `&group_id=${group}`);
    expect(members.map((e) => e.id)).toEqual(all.filter((e) => e.groups.some((g: Rec) => g.id === group)).map((e) => e.id));
    expect(members.length).toBeGreaterThan(0);
    expect(members.length).toBeLessThan(all.length);
    expect((await get('employee', '?group_id=grp_nobody')).body).toEqual([]);
  });

  it('answers the official SDK: listHrisCompanies, listHrisGroups, and employees by group with exploded fields', async () => {
    const companies = await sdk().hris.listHrisCompanies({ connectionId: 'sandbox', limit: 100 });
    expect(companies.length).toBeGreaterThanOrEqual(3);
    expect(companies[0]!.createdAt).toBeInstanceOf(Date);
    expect(companies[0]!.address?.countryCode).toBeTruthy();
    expect((await sdk().hris.getHrisCompany({ connectionId: 'sandbox', id: companies[0]!.id! })).legalName).toBe(companies[0]!.legalName);
    const groups = await sdk().hris.listHrisGroups({ connectionId: 'sandbox', limit: 100 });
    expect(groups.every((g) => g.id?.startsWith('grp_') && g.name)).toBe(true);
    const members = await sdk().hris.listHrisEmployees({ connectionId: 'sandbox', groupId: groups[0]!.id!, fields: ['name', 'groups', 'company_id'], limit: 100 });
    expect(members.length).toBeGreaterThan(0);
    for (const m of members) {
      expect(m.groups?.some((g) => g.id === groups[0]!.id)).toBe(true);
      expect(companies.some((c) => c.id === m.companyId)).toBe(true);
      expect(m.emails).toBeUndefined(); // not among the fields asked for
    }
  });
});

describe('the Unified connector against the emulation', () => {
  const sandbox = useSandbox();

  it('reads every employee with a pageSize over the documented 100, and their department, business unit and groups', async () => {
    const target = new UnifiedTarget({ name: 'hr', baseUrl: sandbox().url, connectionId: 'sandbox', apiKey: 'sandbox-key', pageSize: 500 });
    const rows: CanonicalValues[] = [];
    for await (const page of target.list('users')) rows.push(...page);
    await target.close();
    expect(rows).toHaveLength(300); // asked 100 a page: a limit of 500 is answered with 100, which is not the last page
    const nurses = rows.filter((r) => r.jobTitle === 'Nurse');
    expect(nurses.length).toBeGreaterThan(0);
    expect(nurses.every((r) => r.department === 'Clinical')).toBe(true);
    // Team Leaders sit in a DIVISION (Operations): a business unit, no department — unless also in a BUSINESS_UNIT, which comes first.
    const leaders = rows.filter((r) => r.jobTitle === 'Team Leader');
    expect(leaders.every((r) => r.department === null)).toBe(true);
    expect(new Set(leaders.map((r) => r.businessUnit))).toEqual(new Set(['Operations', 'Logistics']));
    const member = (name: string) => rows.filter((r) => Array.isArray(r.groups) && (r.groups as string[]).includes(name)).map((r) => String(r.externalId)).sort();
    expect(member('Fire Wardens')).toEqual(Array.from({ length: 13 }, (_, i) => `E${3000 + 23 * (i + 1)}`));
    // Named by id alone on the employee: named from /group.
    expect(member('First Aiders')).toEqual(Array.from({ length: 17 }, (_, i) => `E${3000 + 17 * (i + 1)}`));
    expect(member('Warehouse')).toEqual([]); // a department is not a membership
    expect(rows.some((r) => r.businessUnit === 'Logistics')).toBe(true);
  });
});
