import { startEmbedded } from '../../src/app/embedded-sandbox.js';
import { describe, expect, it } from 'vitest';
import { AP_KEY, call, useSandbox } from '../helpers/sandbox.js';

describe('accessplanit emulation', () => {
  let clock = Date.UTC(2026, 10, 23, 9, 0, 0);
  const sandbox = useSandbox({ now: () => clock, settings: { accessplanit: { tokenTtlSeconds: 60 } } });
  const ap = (path: string) => `${sandbox().urls.accessplanit}/${path}`;
  const token = (body: string) => call(ap('Token'), { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  describe('auth', () => {
    it('issues tokens for the password grant, refreshes them, and expires them', async () => {
      const bad = await token('grant_type=password&UserName=demo&Password=wrong');
      expect(bad.status).toBe(400);
      const granted = await token('grant_type=password&UserName=demo&Password=demo');
      expect(granted.status).toBe(200);
      // The form keys are matched ignoring case: another demo client posts username and password.
      expect((await token('grant_type=password&username=demo&password=demo')).status).toBe(200);
      expect(granted.body).toMatchObject({ token_type: 'bearer', expires_in: 60, userID: 'demo' });
      const auth = { authorization: `Bearer ${granted.body.access_token}` };
      expect((await call(ap('User'), { headers: auth })).status).toBe(200);
      clock += 61_000;
      expect((await call(ap('User'), { headers: auth })).status).toBe(401);
      const refreshed = await token(`grant_type=refresh_token&refresh_token=${granted.body.refresh_token}`);
      expect(refreshed.status).toBe(200);
      expect((await call(ap('User'), { headers: { authorization: `Bearer ${refreshed.body.access_token}` } })).status).toBe(200);
      // A refresh token works once.
      expect((await token(`grant_type=refresh_token&refresh_token=${granted.body.refresh_token}`)).status).toBe(400);
    });

    it('answers 401 without a token or with a wrong one, and accepts the API key as a bearer', async () => {
      expect((await call(ap('User'))).status).toBe(401);
      expect((await call(ap('User'), { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
      expect((await call(ap('User'), { headers: AP_KEY })).status).toBe(200);
    });
  });

  describe('records', () => {
    it('serves the seed: the sample groups and companies, and five of the sample users', async () => {
      const users = await call(ap('User?$count=true'), { headers: AP_KEY });
      expect(users.body.count).toBe(5);
      // Lookup fields are lists of strings, as the vendor's own client models them.
      expect(users.body.results[0]).toMatchObject({ ID: 'jasmit', Title: ['Mr'], Forenames: 'James', Surname: 'Smith', ExternalID: 'E1001', Country: ['United Kingdom'], MainCompanyID: 'ACME01', MainCompanyName: 'Acme Logistics Ltd' });
      expect((await call(ap('CompanyGroup'), { headers: AP_KEY })).body.results.map((g: { ID: string }) => g.ID)).toEqual(['RETAIL', 'HEALTH', 'PROF']);
      expect((await call(ap('Company/BRHT03'), { headers: AP_KEY })).body.CompanyGroupIDs).toEqual(['PROF', 'RETAIL']);
    });

    it('creates with an assigned ID and timestamps, updates only the fields sent, deletes', async () => {
      const created = await call(ap('User'), { method: 'POST', headers: AP_KEY, json: { Forenames: 'Jo', Surname: 'Bloggs', Email: 'jo@x.co.uk', MainCompanyID: 'ACME01', JobTitle: 'Driver' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ ID: 'jobloggs'.slice(0, 6), Status: 'New', MarketingOptIn: false, DateCreated: '2026-11-23T09:01:01.00' });
      const id = created.body.ID as string;
      clock += 5000;
      const updated = await call(ap(`User/${id}`), { method: 'PUT', headers: AP_KEY, json: { JobTitle: 'Senior Driver' } });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ JobTitle: 'Senior Driver', Email: 'jo@x.co.uk', DateCreated: '2026-11-23T09:01:01.00', DateUpdated: '2026-11-23T09:01:06.00' });
      expect((await call(ap(`User/${id}`), { method: 'DELETE', headers: AP_KEY })).status).toBe(200);
      expect((await call(ap(`User/${id}`), { headers: AP_KEY })).status).toBe(404);
      expect((await call(ap('User/nobody'), { method: 'PUT', headers: AP_KEY, json: {} })).status).toBe(404);
    });

    it('gives a second Jo Bloggs another ID; a POST upserts on a known ID, and on ExternalID only when set to', async () => {
      const a = await call(ap('User'), { method: 'POST', headers: AP_KEY, json: { Forenames: 'Jo', Surname: 'Bloggs', MainCompanyID: 'ACME01', ExternalID: 'X1' } });
      const b = await call(ap('User'), { method: 'POST', headers: AP_KEY, json: { Forenames: 'Jo', Surname: 'Bloggs', MainCompanyID: 'ACME01' } });
      expect(a.body.ID).not.toBe(b.body.ID);
      const byId = await call(ap('User'), { method: 'POST', headers: AP_KEY, json: { ID: a.body.ID, Forenames: 'Joanne', Surname: 'Bloggs', MainCompanyID: 'ACME01' } });
      expect(byId.status).toBe(200);
      expect(byId.body).toMatchObject({ ID: a.body.ID, Forenames: 'Joanne', ExternalID: 'X1' });
      // The match rule is undocumented: by default a known ExternalID is a second record (the harder case for a client).
      const twice = await call(ap('User'), { method: 'POST', headers: AP_KEY, json: { Forenames: 'Jo', Surname: 'Bloggs', MainCompanyID: 'ACME01', ExternalID: 'X1' } });
      expect(twice.status).toBe(201);
      expect(twice.body.ID).not.toBe(a.body.ID);
      const { sandbox: upserting } = await startEmbedded({ port: 0, settings: { accessplanit: { upsertOnExternalId: true } } });
      try {
        const first = await call(`${upserting.urls.accessplanit}/User`, { method: 'POST', headers: AP_KEY, json: { Forenames: 'Jo', Surname: 'Bloggs', MainCompanyID: 'ACME01', ExternalID: 'X1' } });
        const again = await call(`${upserting.urls.accessplanit}/User`, { method: 'POST', headers: AP_KEY, json: { Forenames: 'Joanne', Surname: 'Bloggs', MainCompanyID: 'ACME01', ExternalID: 'X1' } });
        expect(again.status).toBe(200);
        expect(again.body).toMatchObject({ ID: first.body.ID, Forenames: 'Joanne' });
      } finally {
        await upserting.stop();
      }
    });

    it('enforces the field rules with 400 and the field errors', async () => {
      const bad = await call(ap('User'), {
        method: 'POST', headers: AP_KEY,
        json: { ID: 'waytoolongid', Forenames: '', Surname: 'x'.repeat(41), Email: 'jan@@acme', Title: ['Sire'], Country: ['UK'], MainCompanyID: 'NOPE' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['ID', 'Forenames', 'Surname', 'Email', 'Title', 'Country', 'MainCompanyID']);
      const noCompany = await call(ap('User'), { method: 'POST', headers: AP_KEY, json: { Forenames: 'A', Surname: 'B' } });
      expect(noCompany.body.errors).toEqual([{ field: 'MainCompanyID', message: 'MainCompanyID is mandatory.' }]);
      const company = await call(ap('Company'), { method: 'POST', headers: AP_KEY, json: { Name: 'Zeta', MainContactUserID: 'ghost', CompanyGroupIDs: ['RETAIL', 'NOPE'] } });
      expect(company.body.errors.map((e: { message: string }) => e.message)).toEqual(["User 'ghost' does not exist.", "Company Group 'NOPE' does not exist."]);
      const noGroups = await call(ap('Company'), { method: 'POST', headers: AP_KEY, json: { Name: 'Zeta' } });
      expect(noGroups.body.errors).toEqual([{ field: 'CompanyGroupIDs', message: 'CompanyGroupIDs is mandatory.' }]);
      expect((await call(ap('CompanyGroup'), { method: 'POST', headers: AP_KEY, json: { Label: ' ' } })).status).toBe(400);
      const badPut = await call(ap('User/jasmit'), { method: 'PUT', headers: AP_KEY, json: { Surname: '' } });
      expect(badPut.body.errors).toEqual([{ field: 'Surname', message: 'Surname is mandatory.' }]);
      // A lookup sent as a plain string is refused, as a .NET API refuses a string for a List<string>.
      const scalar = await call(ap('User/jasmit'), { method: 'PUT', headers: AP_KEY, json: { Title: 'Mr' } });
      expect(scalar.status).toBe(400);
      expect(scalar.body.errors[0].field).toBe('Title');
    });

    it('keeps a company with users and a group with companies from being deleted', async () => {
      expect((await call(ap('Company/ACME01'), { method: 'DELETE', headers: AP_KEY })).status).toBe(400);
      expect((await call(ap('CompanyGroup/RETAIL'), { method: 'DELETE', headers: AP_KEY })).status).toBe(400);
    });
  });

  describe('OData', () => {
    const ids = async (query: string) => {
      const reply = await call(ap(`User?${query}`), { headers: AP_KEY });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      return reply.body.results.map((u: { ID: string }) => u.ID);
    };

    it('a filter of IDs alone (decided on the ID, not on each user presented whole) answers as any filter does', async () => {
      const all: string[] = await ids('');
      expect(await ids("$filter=ID eq 'jasmit' or id eq 'prpate' or ID eq 'nobody'")).toEqual(all.filter((id) => id === 'jasmit' || id === 'prpate'));
      expect(await ids("$filter=not (ID eq 'jasmit')")).toEqual(all.filter((id) => id !== 'jasmit'));
      expect(await ids("$filter=ID ne 'jasmit' and startswith(ID,'t')")).toEqual(all.filter((id) => id.startsWith('t')));
      expect(await ids("$filter=contains(Id,'AS')")).toEqual(all.filter((id) => id.includes('as')));
      expect(await ids("$filter=ID eq null")).toEqual([]);
      expect(await ids("$filter=ID gt 'p'")).toEqual(all.filter((id) => id > 'p'));
      expect((await call(ap("User?$filter=ID eq 12"), { headers: AP_KEY })).status).toBe(400);
    });

    it('filters with eq, ne, contains, startswith, and, or, not and parentheses', async () => {
      expect(await ids("$filter=ID eq 'jasmit'")).toEqual(['jasmit']);
      expect(await ids("$filter=Surname eq 'O''Brien'")).toEqual(['chobri']);
      expect(await ids("$filter=contains(Surname,'smi')")).toEqual(['jasmit']);
      expect(await ids("$filter=startswith(Forenames,'T') and MainCompanyID eq 'ACME01'")).toEqual(['tokowa']);
      expect(await ids("$filter=(Status eq 'New' or ID eq 'jasmit') and not (ExternalID eq 'E1001') and startswith(ExternalID,'E')")).toEqual(['tokowa']);
      expect((await ids("$filter=MainCompanyID ne 'ACME01'")).length).toBeGreaterThan(0);
      expect(await ids("$filter=ExternalID gt 'E1003' and ExternalID le 'E1005'")).toEqual(['tokowa', 'airahm']);
      expect(await ids("$filter=MainCompanyName eq 'Northgate Health Clinic'")).toEqual(['airahm']);
    });

    it('selects, orders, pages and counts', async () => {
      const reply = await call(ap("User?$select=ID,Surname&$orderby=Surname desc&$top=2&$skip=1&$count=true&$filter=ExternalID le 'E1005'"), { headers: AP_KEY });
      expect(reply.body).toEqual({ results: [{ ID: 'airahm', Surname: 'Rahman' }, { ID: 'prpate', Surname: 'Patel' }], count: 5 });
    });

    it('pages at the boundaries: 0, 1, exactly a page, and a page plus one', async () => {
      const page = (top: number, skip: number) => ids(`$orderby=ID&$top=${top}&$skip=${skip}&$filter=ExternalID le 'E1005'`);
      expect(await page(0, 0)).toEqual([]);
      expect(await page(1, 0)).toEqual(['airahm']);
      expect(await page(5, 0)).toHaveLength(5);
      expect(await page(5, 5)).toEqual([]);
      expect(await page(4, 4)).toHaveLength(1);
    });

    it('answers 400 to malformed query options, and to a field the module does not have', async () => {
      for (const q of ["$filter=ID eq 'x", '$filter=ID eq', '$top=-1', '$orderby=ID sideways', '$filter=ID eq 1)', "$filter=EmployeeNo eq 'E1'", '$orderby=Nope'])
        expect((await call(ap(`User?${q}`), { headers: AP_KEY })).status, q).toBe(400);
      expect((await call(ap("User?$filter=EmployeeNo eq 'E1'"), { headers: AP_KEY })).body.message).toBe("Could not find a property named 'EmployeeNo'.");
    });
  });
});

/**
 * The User properties the vendor's own demo client declares, with their C# types: a copy of
 * accessplanit/api-v2-demo Models/User.cs at 0189571b719d9543ff9ac9bfb24e332965ce298c (its 107
 * `public … { get; set; }` properties but the client's own `Module`), kept here and not read from the emulator.
 */
const DEMO_USER = `int ActiveCoursesCount, int ActiveInvoicesCount, int ActiveTasksCount, string Address, string AgentID, string AlternativeAddress,
List<string> AlternativeCountry, string AlternativeCounty, string AlternativePhone, string AlternativePostcode, string AlternativeTown, int AwardsCount,
string BillingAddress, List<string> BillingCountry, string BillingCounty, string BillingEmail, string BillingPhone, string BillingPostcode, string BillingTown,
bool CheckSecurityOnUpdateAndDelete, List<string> ContactMethod, string CostCentre, List<string> Country, string County, string CreatedByID, string CreatedByName,
List<string> CurrencyID, string CurrencyLabel, string CurrentConfigCode, bool DailyTaskSummaryOptOut, DateTime DateCreated, DateTime DateUpdated, DateTime DOB,
List<string> EditPageMainRoleID, string Email, string EthnicOriginID, string EthnicOriginLabel, string ExternalID, string Fax, string Forenames, string FullAddress,
string Fullname, bool HasEmail, string ID, string JobTitle, DateTime LastBooking, DateTime LastLoggedOn, DateTime LatestCourseDateAttended,
DateTime LatestCourseDateBooked, string MainCompanyCompanyGroupIDs, string MainCompanyGroupID, string MainCompanyID, string MainCompanyName,
List<string> MainRoleID, bool MainRoleIsDefault, string MainRoleLabel, DateTime MainUserCompanyEndDate, DateTime MainUserCompanyStartDate,
string MainUserTypeLabel, string ManagedCompaniesIDs, string ManagedCompaniesLabels, string ManagedUsersIDs, string ManagedUsersNames, string ManagerUsersIDs,
string ManagerUsersNames, string MaritalStatus, bool MarketingOptIn, string MiddleNames, string Mobile, int MoodleID, string MyDirectManagersEmailAddresses,
string MyEmployerEmailAddresses, string MyManagersEmailAddresses, string NationalityID, string NationalityLabel, string NINumber, string NINumberNoValidation,
int NotesCount, int OpportunitiesCount, DateTime PasswordExpires, string Phone, string Postcode, List<string> PreferredLanguageCode, string PreferredLanguageName,
string PreviousMainRoleID, bool RestrictBooking, string SageTaxCode, string Sex, string ShippingAddress, List<string> ShippingCountry, string ShippingCounty,
string ShippingPhone, string ShippingPostcode, string ShippingTown, bool SmsAuthorised, string SpecialNeedNames, string Status, string Surname, string Tags,
bool TaxExempt, List<string> Title, string Town, Guid UniqueID, string UpdatedByID, string UpdatedByName, string UserCompaniesIDs, bool UsesLogDataSource`
  .split(',').map((p) => p.trim().split(' ') as [string, string]);

describe('accessplanit User: the vendor client\'s whole model', () => {
  const sandbox = useSandbox({ now: () => Date.UTC(2026, 10, 23, 9, 0, 0) });
  const ap = (path: string) => `${sandbox().urls.accessplanit}/${path}`;
  const get = (path: string) => call(ap(path), { headers: AP_KEY });
  const names = DEMO_USER.map(([, name]) => name);
  /** A JSON value of each C# type, as the demo would read it (a DateTime as an ISO date-time without zone, or null when unset). */
  const ofType = (type: string, v: unknown) =>
    type === 'int' ? Number.isInteger(v) : type === 'bool' ? typeof v === 'boolean' : type === 'List<string>' ? Array.isArray(v) && v.every((x) => typeof x === 'string')
    : type === 'DateTime' ? v === null || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(String(v)) : type === 'Guid' ? /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(String(v)) : v === null || typeof v === 'string';

  it('answers all 107 properties with their types, selects them all as the demo does, and takes a $filter on each scalar one', async () => {
    expect(names).toHaveLength(107);
    const one = await get('User/jasmit');
    for (const [type, name] of DEMO_USER) expect(ofType(type, one.body[name]), `${name}: ${JSON.stringify(one.body[name])}`).toBe(true);
    // The demo's every GET: $select of every property name.
    const all = await get(`User?$select=${names.join(',')}`);
    expect(all.status).toBe(200);
    for (const row of all.body.results) expect(Object.keys(row).sort()).toEqual([...names].sort());
    const sample: Record<string, string> = { int: 'ge 0', bool: 'eq false', DateTime: 'ne null', Guid: "ne '00000000-0000-0000-0000-000000000000'", string: "ne 'x'" };
    for (const [type, name] of DEMO_USER) {
      if (type === 'List<string>') continue;
      const reply = await get(`User?$select=ID&$filter=${encodeURIComponent(`${name} ${sample[type]}`)}`);
      expect(reply.status, `${name}: ${JSON.stringify(reply.body)}`).toBe(200);
    }
    expect((await get(`User?$select=ID,ShoeSize`)).body.message).toBe("Could not find a property named 'ShoeSize'.");
  });

  it('derives what it keeps itself, and refuses a write of it (or ignores it, as set)', async () => {
    const one = (await get('User/jasmit')).body;
    expect(one).toMatchObject({ Fullname: 'James Smith', HasEmail: true, MainCompanyName: 'Acme Logistics Ltd', UserCompaniesIDs: 'ACME01', CostCentre: null, MarketingOptIn: false, MoodleID: 0 });
    for (const json of [{ Fullname: 'J S' }, { ActiveCoursesCount: 3 }, { DateCreated: '2020-01-01T00:00:00' }, { CreatedByName: 'x' }, { UniqueID: '00000000-0000-0000-0000-000000000000' }]) {
      const reply = await call(ap('User/jasmit'), { method: 'PUT', headers: AP_KEY, json });
      expect(reply.status, JSON.stringify(json)).toBe(400);
      expect(reply.body.errors).toEqual([{ field: Object.keys(json)[0], message: `${Object.keys(json)[0]} cannot be changed.` }]);
    }
    const { sandbox: lenient } = await startEmbedded({ port: 0, settings: { accessplanit: { readOnlyWrites: 'ignore' } } });
    try {
      const reply = await call(`${lenient.urls.accessplanit}/User/jasmit`, { method: 'PUT', headers: AP_KEY, json: { Fullname: 'J S', JobTitle: 'Boss' } });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ Fullname: 'James Smith', JobTitle: 'Boss' });
    } finally {
      await lenient.stop();
    }
  });

  it('keeps managers as IDs and derives their names and e-mails; other companies as IDs after the main one', async () => {
    const put = (id: string, json: Record<string, unknown>) => call(ap(`User/${id}`), { method: 'PUT', headers: AP_KEY, json });
    expect((await put('prpate', { ManagerUsersIDs: 'jasmit', CostCentre: 'CC-100', UserCompaniesIDs: 'NGHC02' })).status).toBe(200);
    const report = (await get('User/prpate')).body;
    expect(report).toMatchObject({ ManagerUsersIDs: 'jasmit', ManagerUsersNames: 'James Smith', MyDirectManagersEmailAddresses: 'james.smith@acme-logistics.co.uk', CostCentre: 'CC-100', UserCompaniesIDs: 'ACME01,NGHC02' });
    expect((await get('User/jasmit')).body).toMatchObject({ ManagedUsersIDs: 'prpate', ManagedUsersNames: 'Priya Patel' });
    expect((await get("User?$filter=contains(ManagerUsersIDs,'jasmit')&$select=ID")).body.results).toEqual([{ ID: 'prpate' }]);
    // References are checked; a list is not a string; a user is not their own manager.
    expect((await put('prpate', { ManagerUsersIDs: 'ghost' })).body.errors).toEqual([{ field: 'ManagerUsersIDs', message: "User 'ghost' does not exist." }]);
    expect((await put('prpate', { UserCompaniesIDs: 'NOPE' })).body.errors).toEqual([{ field: 'UserCompaniesIDs', message: "Company 'NOPE' does not exist." }]);
    expect((await put('prpate', { ManagerUsersIDs: ['jasmit'] })).body.errors[0].field).toBe('ManagerUsersIDs');
    expect((await put('prpate', { ManagerUsersIDs: 'prpate' })).status).toBe(400);
    expect((await call(ap('Company/NGHC02'), { method: 'DELETE', headers: AP_KEY })).status).toBe(400);
  });
});

describe('accessplanit $filter: what it cannot evaluate is a 400 naming the property, never an empty list', () => {
  const sandbox = useSandbox();
  const filter = (module: string, text: string) => call(`${sandbox().urls.accessplanit}/${module}?$filter=${encodeURIComponent(text)}`, { headers: AP_KEY });
  it.each([
    ['User', "MarketingOptIn eq 'False'", /'MarketingOptIn'.*incompatible types.*boolean/],
    ['User', 'MarketingOptIn eq 0', /'MarketingOptIn'.*boolean/],
    ['User', "ActiveCoursesCount gt '2'", /'ActiveCoursesCount'.*number/],
    ['User', 'ExternalID eq 1001', /'ExternalID'.*text/],
    ['User', 'Surname eq true', /'Surname'.*text/],
    ['User', "DOB lt 'yesterday'", /'DOB'.*date-time/],
    ['User', 'DateUpdated ge 2025', /'DateUpdated'.*date-time/],
    ['User', "UniqueID eq 'abc'", /'UniqueID'.*Guid/],
    ['User', "Title eq 'Mr'", /'Title' is a list of strings/],
    ['User', "Country ne null", /'Country' is a list of strings/],
    ['User', "contains(Title,'Mr')", /contains\(\) takes text: the property 'Title'/],
    ['User', "startswith(AwardsCount,'1')", /startswith\(\) takes text: the property 'AwardsCount'/],
    ['User', "tolower(Surname) eq 'smith'", /unknown function with name 'tolower'/],
    ['User', 'Surname', /'Surname' is text.*not a condition/],
    ['User', "Surname eq Smith", /Could not find a property named 'Smith'/],
    ['Company', "CompanyGroupIDs eq 'RETAIL'", /'CompanyGroupIDs' is a list of strings/],
    ['UserCourseDate', "CourseDateID eq '12368'", /'CourseDateID'.*incompatible types/],
    ['UserAward', "TargetDate gt 'soon'", /'TargetDate'.*date-time/],
  ])('%s: %s', async (module, text, message) => {
    const reply = await filter(module, text);
    expect(reply.status).toBe(400);
    expect(Object.keys(reply.body)).toEqual(['message']);
    expect(reply.body.message).toMatch(message);
  });

  it('compares what it can: a boolean unquoted, a number, a date-time or a date with a quoted date, null', async () => {
    const ids = async (text: string) => (await filter('User', text)).body.results.map((u: { ID: string }) => u.ID);
    expect((await ids('MarketingOptIn eq false')).length).toBe(5);
    expect(await ids('MarketingOptIn eq true')).toEqual([]);
    expect((await ids("DateCreated ge '2000-01-01'")).length).toBe(5);
    expect((await ids("DateCreated lt '2000-01-01T00:00:00'")).length).toBe(0);
    expect((await ids('AwardsCount eq 2 and CostCentre eq null')).length).toBe(5);
  });
});

describe('accessplanit page cap', () => {
  const sandbox = useSandbox({ settings: { accessplanit: { pageCap: 2 } } });
  it('cuts a page at its cap silently, whatever $top asks, and counts the whole list', async () => {
    const reply = await call(`${sandbox().urls.accessplanit}/User?$top=500&$count=true`, { headers: AP_KEY });
    expect(reply.status).toBe(200);
    expect(reply.body.results).toHaveLength(2);
    expect(reply.body.count).toBe(5);
  });
});

describe('accessplanit rate limit', () => {
  const sandbox = useSandbox({ settings: { accessplanit: { hourlyLimit: 3 } } });
  it('answers 429 with Retry-After past the hourly limit of an endpoint, counting endpoints apart', async () => {
    const url = `${sandbox().urls.accessplanit}/User`;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(url, { headers: AP_KEY })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await call(url, { headers: AP_KEY });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect((await call(`${sandbox().urls.accessplanit}/Company`, { headers: AP_KEY })).status).toBe(200);
  });
});

describe('accessplanit user IDs', () => {
  const sandbox = useSandbox();
  it('stay unique and at most 10 characters when every shorter ID for a name is taken', async () => {
    const table = sandbox().state().accessplanit.User;
    // Jo Bloggs → stem "joblog"; take joblog and joblog2 … joblog9999, as 10,000 earlier Jo Bloggses would.
    table.set('joblog', { ID: 'joblog' });
    for (let n = 2; n <= 9999; n++) table.set(`joblog${n}`, { ID: `joblog${n}` });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const reply = await call(`${sandbox().urls.accessplanit}/User`, { method: 'POST', headers: AP_KEY, json: { Forenames: 'Jo', Surname: 'Bloggs', MainCompanyID: 'ACME01' } });
      expect(reply.status).toBe(201);
      ids.push(reply.body.ID);
    }
    expect(ids).toEqual(['joblo10000', 'joblo10001', 'joblo10002']);
  });
});
