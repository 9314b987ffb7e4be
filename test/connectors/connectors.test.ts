import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { accessplanitFieldErrors, AccessplanitTarget, odataFilter } from '../../src/connectors/accessplanit/target.js';
import { appenateFieldErrors, AppenateTarget } from '../../src/connectors/appenate/target.js';
import { springestFieldErrors, SpringestTarget } from '../../src/connectors/springest/target.js';
import { fromGroups, fromUnified, fromUnifiedCompany, fromUnifiedGroup, UnifiedTarget } from '../../src/connectors/unified/target.js';
import { RemoteError } from '../../src/errors.js';
import { defaultListSeconds, PageGuard } from '../../src/connectors/paging.js';
import type { CanonicalValues } from '../../src/core/model/canonical.js';

const AP = 'https://acme.accessplanit.com';
const agent = () => {
  const a = new MockAgent();
  a.disableNetConnect();
  return a;
};
async function all(pages: AsyncIterable<CanonicalValues[]>): Promise<CanonicalValues[]> {
  const rows: CanonicalValues[] = [];
  for await (const page of pages) rows.push(...page);
  return rows;
}
const users = (n: number, from = 0, count?: number) => ({
  results: Array.from({ length: n }, (_, i) => ({ ID: `u${from + i}`, Forenames: 'A', Surname: 'B', DOB: '1990-01-02T00:00:00', MarketingOptIn: true })),
  ...(count === undefined ? {} : { count }),
});

describe('accessplanit connector', () => {
  /** A server of `total` users that answers at most `cap` a page, with or without a count on the first page. */
  function server(total: number, cap: number, withCount: boolean) {
    const a = agent();
    const skips: number[] = [];
    a.get(AP)
      .intercept({ path: (path) => path.startsWith('/accessplan/api/v2/User?'), method: 'GET' })
      .reply((opts) => {
        const q = new URLSearchParams(String(opts.path).split('?')[1]);
        const skip = Number(q.get('$skip'));
        if (q.has('$skip')) skips.push(skip); // not the one-record read of the tenant's custom fields
        const n = Math.max(0, Math.min(cap, Number(q.get('$top')), total - skip));
        return { statusCode: 200, data: users(n, skip, withCount && q.get('$count') === 'true' ? total : undefined) };
      })
      .persist();
    return { target: new AccessplanitTarget({ name: 'lms', baseUrl: `${AP}/accessplan/api/v2`, apiKey: 'k', pageSize: 3, dispatcher: a }), skips };
  }

  it('pages by what was received until the count, or an empty page: 0, exactly a page, a page plus one, a silently capped page', async () => {
    const cases: Array<[total: number, cap: number, withCount: boolean, skips: number[]]> = [
      [0, 3, true, [0]],
      [3, 3, true, [0]],
      [4, 3, true, [0, 3]],
      [0, 3, false, [0]],
      [3, 3, false, [0, 3]],
      [4, 3, false, [0, 3, 4]],
      [5, 2, true, [0, 2, 4]], // the server gives 2 where 3 were asked: the list goes on
      [5, 2, false, [0, 2, 4, 5]],
    ];
    for (const [total, cap, withCount, skips] of cases) {
      const s = server(total, cap, withCount);
      const rows = await all(s.target.list('users'));
      expect(rows.map((r) => r.id), `${total} users, ${cap} a page, count ${withCount}`).toEqual(Array.from({ length: total }, (_, i) => `u${i}`));
      expect(s.skips).toEqual(skips);
    }
    const first = await all(server(1, 3, true).target.list('users'));
    expect(first[0]).toEqual({ id: 'u0', firstName: 'A', lastName: 'B', dateOfBirth: '1990-01-02', marketingOptIn: true });
  });

  it('stops a list that repeats a page, goes past its count or ends short of it (exit 4), rather than loop or plan on a part', async () => {
    const a = agent();
    const pool = a.get(AP);
    const target = new AccessplanitTarget({ name: 'lms', baseUrl: `${AP}/accessplan/api/v2`, apiKey: 'k', pageSize: 2, dispatcher: a });
    pool.intercept({ path: '/accessplan/api/v2/User?$top=1', method: 'GET' }).reply(200, { results: [] }).persist(); // the custom fields' read
    pool.intercept({ path: /\/User\?/, method: 'GET' }).reply(200, users(2, 0)).times(2); // ignores $skip
    await expect(all(target.list('users'))).rejects.toThrow('the User list repeated a page it had already sent');
    pool.intercept({ path: /\/User\?/, method: 'GET' }).reply(200, users(2, 0, 3));
    pool.intercept({ path: /\/User\?/, method: 'GET' }).reply(200, users(2, 2));
    await expect(all(target.list('users'))).rejects.toThrow('went on past the 3 records its own count announced');
    pool.intercept({ path: /\/User\?/, method: 'GET' }).reply(200, users(2, 0, 5));
    pool.intercept({ path: /\/User\?/, method: 'GET' }).reply(200, users(0));
    const short = await all(target.list('users')).catch((e: unknown) => e);
    expect(short).toBeInstanceOf(RemoteError);
    expect((short as RemoteError).message).toContain('ended after 2 of the 5 records its own count announced');
  });

  it('pushes filters and --since down as $filter', () => {
    expect(odataFilter('users', { status: ['Enabled', 'New'], companyId: ["O'Neil"] })).toBe("(Status eq 'Enabled' or Status eq 'New') and MainCompanyID eq 'O''Neil'");
    expect(odataFilter('users', {}, '2026-11-01')).toBe("DateUpdated ge '2026-11-01T00:00:00.00'");
    expect(() => odataFilter('groups', { colour: ['red'] })).toThrow(/no such field/);
  });

  it('signs in with the password grant, refreshes before expiry, and signs in again once on 401', async () => {
    let now = 0;
    const a = agent();
    const pool = a.get(AP);
    const tokens: string[] = [];
    const grant = (access: string) => ({ access_token: access, expires_in: 3600, refresh_token: `r-${access}`, token_type: 'bearer' });
    pool.intercept({ path: '/accessplan/api/v2/Token', method: 'POST', body: (b) => b.includes('grant_type=password') && b.includes('Password=s3cret') }).reply(200, grant('t1'));
    pool.intercept({ path: '/accessplan/api/v2/Token', method: 'POST', body: (b) => b.includes('refresh_token=r-t1') }).reply(200, grant('t2'));
    pool.intercept({ path: '/accessplan/api/v2/Token', method: 'POST', body: (b) => b.includes('grant_type=password') }).reply(200, grant('t3'));
    const seen = (status: number, body: object) => ({ statusCode: status, data: body });
    pool.intercept({ path: '/accessplan/api/v2/User?$top=1', method: 'GET' }).reply(200, { results: [] }).persist(); // the custom fields' read
    pool.intercept({ path: /\/User\?/, method: 'GET' }).reply((opts) => (tokens.push(String((opts.headers as Record<string, string>).authorization)), seen(200, users(1, 0, 1)))).times(2);
    pool.intercept({ path: /\/User\?/, method: 'GET' }).reply((opts) => (tokens.push(String((opts.headers as Record<string, string>).authorization)), seen(401, {})));
    pool.intercept({ path: /\/User\?/, method: 'GET' }).reply((opts) => (tokens.push(String((opts.headers as Record<string, string>).authorization)), seen(200, users(1, 0, 1))));
    const target = new AccessplanitTarget({ name: 'lms', baseUrl: `${AP}/accessplan/api/v2`, userName: 'me', password: 's3cret', pageSize: 5, dispatcher: a, now: () => now });
    await all(target.list('users'));
    now += 3600_000 - 30_000; // inside the last minute: refresh first
    await all(target.list('users'));
    await all(target.list('users')); // 401: signs in again, tries once more
    expect(tokens).toEqual(['Bearer t1', 'Bearer t2', 'Bearer t2', 'Bearer t3']);
  });

  it('reports refused credentials as an auth error that names no secret', async () => {
    const a = agent();
    a.get(AP).intercept({ path: '/accessplan/api/v2/Token', method: 'POST' }).reply(400, { error: 'invalid_grant' });
    const target = new AccessplanitTarget({ name: 'lms', baseUrl: `${AP}/accessplan/api/v2`, userName: 'me', password: 'hunter2-secret', dispatcher: a });
    const error = await all(target.list('users')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).kind).toBe('auth');
    expect(JSON.stringify(error) + String(error) + (error as Error).stack).not.toContain('hunter2-secret');
  });
});

describe('Appenate connector', () => {
  it('lists everyone through search pages of 250, with the key never in a message', async () => {
    const a = agent();
    const pool = a.get('https://secure.appenate.com');
    const page = (n: number, offset: number) => ({ Users: Array.from({ length: n }, (_, i) => ({ Id: `g${offset + i}`, FirstName: 'A', LastName: 'B', Email: `u${offset + i}@x.nl`, Status: 'Active', Groups: [] })), TotalRows: 251 });
    pool.intercept({ path: (p) => p.startsWith('/api/v2/user/search?') && p.includes('PageNo=0') && p.includes('PageSize=250') && p.includes('Name=&'), method: 'GET' }).reply(200, page(250, 0));
    pool.intercept({ path: (p) => p.includes('PageNo=1'), method: 'GET' }).reply(200, page(1, 250));
    const target = new AppenateTarget({ name: 'forms', baseUrl: 'https://secure.appenate.com/api/v2', companyId: '7', integrationKey: 'int-key-123', listAll: true, dispatcher: a });
    const rows = await all(target.list('users'));
    expect(rows).toHaveLength(251);
    expect(rows[250]).toEqual({ id: 'g250', firstName: 'A', lastName: 'B', email: 'u250@x.nl', status: 'Active', groups: [] });
    pool.intercept({ path: (p) => p.includes('PageNo=0'), method: 'GET' }).reply(500, 'oops int-key-123').times(5); // a read answered 500 is tried 5 times
    const error = (await all(new AppenateTarget({ name: 'forms', baseUrl: 'https://secure.appenate.com/api/v2', companyId: '7', integrationKey: 'int-key-123', listAll: true, dispatcher: a }).list('users')).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.message).toContain('500 after 5 tries');
    expect(error.message).not.toContain('int-key-123');
  });
});

describe('Springest connector', () => {
  it('says plainly that it cannot list, and checks each site’s key', async () => {
    const a = agent();
    const target = new SpringestTarget({ name: 'go', sites: { nl: { baseUrl: 'https://acme.api.go.springest.nl', apiKey: 'nl-key' } }, dispatcher: a });
    await expect(all(target.list())).rejects.toThrow(/cannot be listed/);
    a.get('https://acme.api.go.springest.nl').intercept({ path: (p) => p.startsWith('/users.json?api_key=nl-key'), method: 'GET' }).reply(404, {});
    await expect(target.check()).resolves.toBeUndefined();
    a.get('https://acme.api.go.springest.nl').intercept({ path: (p) => p.startsWith('/users.json'), method: 'GET' }).reply(401, {});
    const error = (await target.check().catch((e: unknown) => e)) as RemoteError;
    expect(error.kind).toBe('auth');
    expect(error.message).toContain('api_key=***');
  });
});

describe('Unified connector', () => {
  it('maps employees: work email first, employee number as external id, ACTIVE/INACTIVE as active/inactive', () => {
    expect(
      fromUnified({
        id: 'e1', employee_number: 'E9', name: 'Zoë van Dijk', emails: [{ email: 'home@x.nl', type: 'HOME' }, { email: 'WORK@X.NL', type: 'WORK' }],
        telephones: [{ telephone: '+31 6', type: 'MOBILE' }], employment_status: 'INACTIVE', date_of_birth: '1990-04-03T00:00:00.000Z',
        address: { address1: 'Dam 1', city: 'Amsterdam', postal_code: '1012', country_code: 'NL' }, terminated_at: '2026-10-31T17:00:00Z',
      }),
    ).toMatchObject({ externalId: 'E9', firstName: 'Zoë', lastName: 'van Dijk', email: 'WORK@X.NL', mobile: '+31 6', status: 'inactive', dateOfBirth: '1990-04-03', town: 'Amsterdam', country: 'NL', endDate: '2026-10-31' });
    expect(fromUnified({ id: 'e2', emails: [] })).toMatchObject({ externalId: 'e2', email: null });
  });

  it('pages with limit/offset, sends updated_gte, and looks each unseen manager up once', async () => {
    const a = agent();
    const pool = a.get('https://api.unified.to');
    const emp = (i: number, manager?: string) => ({ id: `e${i}`, employee_number: `N${i}`, emails: [{ email: `e${i}@x.nl`, type: 'WORK' }], ...(manager ? { manager_id: manager } : {}) });
    pool.intercept({ path: (p) => p.includes('offset=0') && p.includes('updated_gte=2026-11-01'), method: 'GET' }).reply(200, [emp(1), emp(2, 'e1')]);
    pool.intercept({ path: (p) => p.includes('offset=2'), method: 'GET' }).reply(200, [emp(3, 'boss'), emp(4, 'boss')]);
    pool.intercept({ path: (p) => p.includes('offset=4'), method: 'GET' }).reply(200, []);
    pool.intercept({ path: '/hris/conn/employee/boss', method: 'GET' }).reply(200, emp(99));
    const target = new UnifiedTarget({ name: 'hr', baseUrl: 'https://api.unified.to', connectionId: 'conn', apiKey: 'k', pageSize: 2, dispatcher: a });
    const rows = await all(target.list('users', { since: '2026-11-01' }));
    expect(rows.map((r) => [r.externalId, r.managerEmail ?? null])).toEqual([['N1', null], ['N2', 'e1@x.nl'], ['N3', 'e99@x.nl'], ['N4', 'e99@x.nl']]);
    a.assertNoPendingInterceptors();
  });

  it('stops on a list or a lookup answered with something that is not Unified’s JSON (a sign-in page, {}, null), naming the request and the content type', async () => {
    const answers: Array<[number | string | object | null, Record<string, string>, RegExp]> = [
      ['<html><title>Log in</title></html>', { 'content-type': 'text/html' }, /GET \/hris\/conn\/employee\?limit=100&offset=0&sort=created_at&order=asc: answered 200 with text\/html \("<html><title>Log in/],
      [{}, { 'content-type': 'application/json' }, /answered 200 with JSON an empty object \(application\/json\), not a list of employee records/],
      ['null', { 'content-type': 'application/json' }, /answered 200 with JSON null/],
      [[1, 2], { 'content-type': 'application/json' }, /answered 200 with JSON an array of 2/],
    ];
    for (const [body, headers, shown] of answers) {
      const a = agent();
      a.get('https://api.unified.to').intercept({ path: (p) => p.startsWith('/hris/conn/employee?'), method: 'GET' }).reply(200, typeof body === 'string' ? body : JSON.stringify(body), { headers });
      const error = await all(new UnifiedTarget({ name: 'hr', baseUrl: 'https://api.unified.to', connectionId: 'conn', apiKey: 'k', dispatcher: a }).list('users')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteError);
      expect([(error as RemoteError).kind, (error as RemoteError).exitCode]).toEqual(['unexpected_answer', 4]);
      expect((error as RemoteError).message).toMatch(shown);
    }
    const a = agent();
    const pool = a.get('https://api.unified.to');
    pool.intercept({ path: (p) => p.startsWith('/hris/conn/employee?'), method: 'GET' }).reply(200, [{ id: 'e1', manager_id: 'm1' }]);
    pool.intercept({ path: '/hris/conn/employee/m1', method: 'GET' }).reply(200, '<html>maintenance</html>', { headers: { 'content-type': 'text/html' } });
    const error = (await all(new UnifiedTarget({ name: 'hr', baseUrl: 'https://api.unified.to', connectionId: 'conn', apiKey: 'k', dispatcher: a }).list('users')).catch((e: unknown) => e)) as RemoteError;
    expect([error.kind, error.message]).toEqual(['unexpected_answer', expect.stringContaining('GET /hris/conn/employee/m1: answered 200 with text/html ("<html>maintenance</html>")')]);
  });

  it('refuses a manager id of "." or "..", which would address the employee list or the connection (no request leaves the collection)', async () => {
    for (const bad of ['..', '.']) {
      const a = agent();
      const pool = a.get('https://api.unified.to');
      pool.intercept({ path: (p) => p.startsWith('/hris/conn/employee?'), method: 'GET' }).reply(200, [{ id: 'e1', employee_number: 'N1', manager_id: bad }]);
      const target = new UnifiedTarget({ name: 'hr', baseUrl: 'https://api.unified.to', connectionId: 'conn', apiKey: 'k', dispatcher: a });
      const error = await all(target.list('users')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteError);
      expect((error as RemoteError).message).toContain(`unified "hr": the manager id ${JSON.stringify(bad)} cannot be put in a URL`);
      a.assertNoPendingInterceptors();
    }
  });

  it('never makes the HR system’s id, status or company id the target’s: id stays out, statuses are active/inactive or kept as written, company_id becomes no companyId', () => {
    const row = fromUnified({ id: 'emp_1', employee_number: 'E1', company_id: 'cmp_8f3a21', employment_status: 'ACTIVE' });
    expect(row).not.toHaveProperty('id');
    expect(row).not.toHaveProperty('companyId');
    expect(row).toMatchObject({ externalId: 'E1', status: 'active' });
    expect(fromUnified({ id: 'emp_2' })).toMatchObject({ externalId: 'emp_2', status: null }); // the documented fallback: the HR system's id is an external id
    expect(fromUnified({ employment_status: 'inactive' }).status).toBe('inactive');
    expect(fromUnified({ employment_status: 'ON_LEAVE' }).status).toBe('ON_LEAVE'); // not a canonical status: the target's rules judge it
  });

  it('maps the HR system’s companies (its id as the external id) and groups (their names as labels)', () => {
    expect(fromUnifiedCompany({ id: 'cmp_1', name: 'Acme', legal_name: 'Acme Ltd', address: { address1: '1 Dock Rd', address2: 'Unit 4', city: 'Hull', region: 'East Riding', postal_code: 'HU1 1AA', country_code: 'GB' } }))
      .toEqual({ externalId: 'cmp_1', name: 'Acme', address: '1 Dock Rd, Unit 4', town: 'Hull', county: 'East Riding', postcode: 'HU1 1AA', country: 'GB' });
    expect(fromUnifiedCompany({ id: 'cmp_2', legal_name: 'Only Legal LLP' })).toMatchObject({ externalId: 'cmp_2', name: 'Only Legal LLP' });
    expect(fromUnifiedGroup({ id: 'grp_1', name: 'Warehouse', type: 'DEPARTMENT' })).toEqual({ label: 'Warehouse' });
  });

  it('lists companies and groups page by page; names each employee’s company from /company once; says what it could not map', async () => {
    const a = agent();
    const pool = a.get('https://api.unified.to');
    const paths: string[] = [];
    pool.intercept({ path: (p) => p.startsWith('/hris/conn/company?'), method: 'GET' }).reply((o) => {
      paths.push(String(o.path));
      const offset = Number(new URLSearchParams(String(o.path).split('?')[1]).get('offset'));
      return { statusCode: 200, data: [{ id: 'cmp_1', name: 'Acme' }, { id: 'cmp_2', name: 'Brown & Hart' }, { id: 'cmp_3', legal_name: 'Clinic LLP' }].slice(offset, offset + 2) };
    }).persist();
    pool.intercept({ path: (p) => p.startsWith('/hris/conn/group?'), method: 'GET' }).reply(200, [{ id: 'grp_1', name: 'Warehouse' }]);
    const employees = [
      { id: 'e1', employee_number: 'N1', company_id: 'cmp_2', employment_status: 'ACTIVE' },
      { id: 'e2', employee_number: 'N2', company_id: 'cmp_gone', employment_status: 'ON_LEAVE' },
      { id: 'e3', employee_number: 'N3', company_id: 'cmp_3', employment_status: 'ON_LEAVE' },
    ];
    pool.intercept({ path: (p) => p.startsWith('/hris/conn/employee?'), method: 'GET' })
      .reply((o) => ({ statusCode: 200, data: employees.slice(Number(new URLSearchParams(String(o.path).split('?')[1]).get('offset'))).slice(0, 2) }))
      .persist();
    const target = new UnifiedTarget({ name: 'hr', baseUrl: 'https://api.unified.to', connectionId: 'conn', apiKey: 'k', pageSize: 2, dispatcher: a });
    expect((await all(target.list('companies'))).map((c) => [c.externalId, c.name])).toEqual([['cmp_1', 'Acme'], ['cmp_2', 'Brown & Hart'], ['cmp_3', 'Clinic LLP']]);
    expect(paths.map((p) => new URLSearchParams(p.split('?')[1]).get('offset'))).toEqual(['0', '2']);
    expect(await all(target.list('groups'))).toEqual([{ label: 'Warehouse' }]);
    const notices: string[] = [];
    const rows = await all(target.list('users', { onNotice: (m) => notices.push(m) }));
    expect(rows.map((r) => [r.externalId, r.companyName, r.status, 'companyId' in r])).toEqual([['N1', 'Brown & Hart', 'active', false], ['N2', null, 'ON_LEAVE', false], ['N3', 'Clinic LLP', 'ON_LEAVE', false]]);
    expect(paths).toHaveLength(4); // the companies listed once more for the employees, not once per employee
    expect(notices).toEqual([
      'unified "hr": 2 employees have an employment_status hrsync has no status for (ON_LEAVE ×2): kept as the HR system wrote it, for the target’s rules to judge (a target with no such status refuses those rows)',
      'unified "hr": 1 employee names a company_id that /company does not list (cmp_gone): its companyName is left blank',
    ]);
    expect(target.entities).toEqual(['users', 'companies', 'groups']);
    expect(Object.keys(target.wire.users!)).not.toContain('companyId');
    a.assertNoPendingInterceptors();
  });

  it('reads an employee’s groups by type: a DEPARTMENT (else SUB_DEPARTMENT) is the department, a BUSINESS_UNIT (else DIVISION) the business unit, every other group a membership', () => {
    expect(fromGroups([
      { id: 'g1', name: 'Fire Wardens', type: 'TEAM' }, { id: 'g2', name: 'Warehouse', type: 'DEPARTMENT' }, { id: 'g3', name: 'Picking', type: 'SUB_DEPARTMENT' },
      { id: 'g4', name: 'North', type: 'DIVISION' }, { id: 'g5', name: 'Logistics', type: 'BUSINESS_UNIT' }, { id: 'g6', name: 'Lancaster', type: 'BRANCH' },
      { id: 'g7', name: 'Mentors', type: 'GROUP' }, { id: 'g8', name: 'Choir' }, { id: 'g9', name: 'Guild', type: 'GUILD' }, { id: 'g10', name: 'Fire Wardens', type: 'team' }, { id: 'g11', type: 'TEAM' },
    ])).toEqual({ department: 'Warehouse', businessUnit: 'Logistics', groups: ['Fire Wardens', 'Lancaster', 'Mentors', 'Choir', 'Guild'] });
    expect(fromGroups([{ name: 'Picking', type: 'SUB_DEPARTMENT' }, { name: 'North', type: 'DIVISION' }])).toEqual({ department: 'Picking', businessUnit: 'North', groups: null });
    expect(fromGroups(undefined)).toEqual({ department: null, businessUnit: null, groups: null });
    expect(fromUnified({ id: 'e1', groups: [{ id: 'g2', name: 'Warehouse', type: 'DEPARTMENT' }] })).toMatchObject({ department: 'Warehouse', groups: null });
  });

  it('names and types a group an employee names by id alone from /group, listed once; says which it could not name', async () => {
    const a = agent();
    const pool = a.get('https://api.unified.to');
    const groupPaths: string[] = [];
    pool.intercept({ path: (p) => p.startsWith('/hris/conn/group?'), method: 'GET' }).reply((o) => {
      groupPaths.push(String(o.path));
      return { statusCode: 200, data: [{ id: 'grp_t', name: 'Fire Wardens', type: 'TEAM' }, { id: 'grp_d', name: 'Warehouse', type: 'DEPARTMENT' }] };
    }).persist();
    const employees = [
      { id: 'e1', employee_number: 'N1', groups: [{ id: 'grp_d', name: 'Warehouse', type: 'DEPARTMENT' }] },
      { id: 'e2', employee_number: 'N2', groups: [{ id: 'grp_t' }, { id: 'grp_d', name: 'Warehouse' }] },
      { id: 'e3', employee_number: 'N3', groups: [{ id: 'grp_gone' }, { id: 'grp_t' }] },
    ];
    pool.intercept({ path: (p) => p.startsWith('/hris/conn/employee?'), method: 'GET' }).reply(200, employees);
    const notices: string[] = [];
    const rows = await all(new UnifiedTarget({ name: 'hr', baseUrl: 'https://api.unified.to', connectionId: 'conn', apiKey: 'k', dispatcher: a }).list('users', { onNotice: (m) => notices.push(m) }));
    expect(rows.map((r) => [r.externalId, r.department, r.groups])).toEqual([['N1', 'Warehouse', null], ['N2', 'Warehouse', ['Fire Wardens']], ['N3', null, ['Fire Wardens']]]);
    expect(groupPaths).toHaveLength(1);
    expect(notices).toEqual(['unified "hr": employees name a group without a name that /group does not name either (grp_gone): left out of their department, businessUnit and groups']);
    const b = agent();
    b.get('https://api.unified.to').intercept({ path: (p) => p.startsWith('/hris/conn/group?'), method: 'GET' }).reply(501, { message: 'not supported' });
    b.get('https://api.unified.to').intercept({ path: (p) => p.startsWith('/hris/conn/employee?'), method: 'GET' }).reply(200, [employees[1]]);
    const without: string[] = [];
    expect(await all(new UnifiedTarget({ name: 'hr', baseUrl: 'https://api.unified.to', connectionId: 'conn', apiKey: 'k', dispatcher: b }).list('users', { onNotice: (m) => without.push(m) })))
      .toMatchObject([{ externalId: 'N2', department: null, groups: ['Warehouse'] }]);
    expect(without[0]).toBe('unified "hr": the connection does not list groups (501 on /group): groups an employee names by id alone cannot be named, so they are left out');
  });

  it('stops with a RemoteError when an integration ignores offset, on every list; a connection without /company leaves company names blank', async () => {
    const a = agent();
    const pool = a.get('https://api.unified.to');
    for (const resource of ['company', 'group'])
      pool.intercept({ path: (p) => p.startsWith(`/hris/conn/${resource}?`), method: 'GET' }).reply(200, [{ id: `${resource}1`, name: 'A' }, { id: `${resource}2`, name: 'B' }]).persist();
    const target = new UnifiedTarget({ name: 'hr', baseUrl: 'https://api.unified.to', connectionId: 'conn', apiKey: 'k', pageSize: 2, dispatcher: a });
    for (const [entity, what] of [['companies', 'company'], ['groups', 'group']] as const) {
      const error = await all(target.list(entity)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteError);
      expect((error as RemoteError).message).toContain(`unified "hr": the ${what} list repeated a page it had already sent`);
    }
    const b = agent();
    b.get('https://api.unified.to').intercept({ path: (p) => p.startsWith('/hris/conn/company?'), method: 'GET' }).reply(404, { message: 'not supported' });
    b.get('https://api.unified.to').intercept({ path: (p) => p.startsWith('/hris/conn/employee?'), method: 'GET' }).reply(200, [{ id: 'e1', company_id: 'c1' }]);
    const notices: string[] = [];
    const rows = await all(new UnifiedTarget({ name: 'hr', baseUrl: 'https://api.unified.to', connectionId: 'conn', apiKey: 'k', dispatcher: b }).list('users', { onNotice: (m) => notices.push(m) }));
    expect(rows).toMatchObject([{ externalId: 'e1', companyName: null }]);
    expect(notices).toEqual(['unified "hr": the connection does not list companies (404 on /company): the employees’ company_id (the HR system’s company) cannot be named, so companyName is left blank']);
  });
});

describe('field errors, in each platform’s own shape', () => {
  it('are read by the connector that knows the shape', () => {
    expect(accessplanitFieldErrors({ errors: [{ field: 'Email', message: 'bad' }] })).toEqual([{ field: 'Email', message: 'bad' }]);
    expect(springestFieldErrors({ errors: { email: ['is invalid', 'is taken'] } })).toEqual([{ field: 'email', message: 'is invalid' }, { field: 'email', message: 'is taken' }]);
    expect(appenateFieldErrors({ ResponseStatus: { Errors: [{ FieldName: 'Email', Message: 'x' }] } })).toEqual([{ field: 'Email', message: 'x' }]);
    // Another platform's shape is not taken for its own.
    expect(accessplanitFieldErrors({ errors: { email: ['is invalid'] } })).toEqual([]);
    expect(springestFieldErrors({ errors: [{ field: 'Email', message: 'bad' }] })).toEqual([]);
  });
});

describe('PageGuard: a list bounded by time as well as size', () => {
  it('stops past maxRecords, saying it is a deliberate bound and how to raise it', () => {
    const guard = new PageGuard('scim "idp"', 'User', undefined, { maxRecords: 150 });
    guard.page(Array.from({ length: 100 }, (_, i) => ({ id: `u${i}` })), (r) => r.id);
    const stopped = (() => {
      try {
        guard.page(Array.from({ length: 100 }, (_, i) => ({ id: `v${i}` })), (r) => r.id);
      } catch (error) {
        return error as RemoteError;
      }
    })();
    expect(stopped?.message).toMatch(/the User list went on past 150 records \(the target's maxRecords, a deliberate bound: on a list that never ends, and on the memory a run holds\)/);
    expect(stopped?.hint).toBe('if scim "idp" really holds more User records, raise "maxRecords" in its entry of the config (targets.<name>.maxRecords, default 1,000,000)');
  });

  it('defaults to 600 s per million of maxRecords (at least 600) plus four timeouts, and names the bound that stopped it', () => {
    expect(defaultListSeconds({})).toBe(720);
    expect(defaultListSeconds({ maxRecords: 5_000_000, timeoutMs: 10_000 })).toBe(3040);
    expect(defaultListSeconds({ maxRecords: 1000 })).toBe(720);
    let now = 0;
    const guard = new PageGuard('scim "idp"', 'User', undefined, { now: () => now });
    const page = (from: number) => Array.from({ length: 100 }, (_, i) => ({ id: `u${from + i}` }));
    guard.page(page(0), (r) => r.id);
    now = 720_000;
    guard.page(page(100), (r) => r.id); // at the bound, not past it
    now = 720_001;
    expect(() => guard.page(page(200), (r) => r.id)).toThrow(/the User list was still going after 720 s, with 300 records \(the target's maxListSeconds: 720 s, by default 10 minutes per million records of maxRecords plus four times the timeout\)/);
  });
});
