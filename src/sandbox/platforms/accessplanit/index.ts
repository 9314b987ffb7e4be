import { randomBytes, randomUUID } from 'node:crypto';
import { isObject, json, parseJson, pickFields, SERVER_EMAIL, str, type SandboxRequest, type SandboxResponse } from '../../http.js';
import { compareRows, fieldsIn, matches, ODataError, parseListQuery, project, type Properties, type PropType, type Row } from '../../odata.js';
import { definePlatform, StateShapeError, type PlatformContext } from '../../platform.js';
import { Table, tableFrom } from '../../table.js';
import { authorisations, seedTraining, TRAINING_FIELDS, TRAINING_MODULES, writeTraining, type StoredTraining, type TrainingModule } from './training.js';
import { USER_MODEL, USER_WRITABLE } from './user-model.js';
import { checkUserWrite, idsOf, presentUser } from './users.js';
import { COUNTRIES, DELEGATE_STATUSES, STATUSES, TITLES } from './values.js';

/**
 * accessplanit API v2 feeds (platforms.md §1). Where the vendor is silent this emulates a guess,
 * each marked [guess] here and nowhere else: the 400 body shape, the count field name, the upsert
 * match rule, assigned ID formats, delete rules, the 401 body.
 */
const BASE = '/accessplan/api/v2/';
const PEOPLE = ['User', 'Company', 'CompanyGroup'] as const;
type PeopleModule = (typeof PEOPLE)[number];
const MODULES = [...PEOPLE, ...TRAINING_MODULES] as const;
type Module = (typeof MODULES)[number];
const isTraining = (module: Module): module is TrainingModule => (TRAINING_MODULES as readonly string[]).includes(module);

/** What a write may set on a User: every property of the vendor's model the platform does not keep itself (user-model.ts). */
const USER_FIELDS = USER_WRITABLE;
const COMPANY_FIELDS = ['ID', 'Name', 'Email', 'MainContactUserID', 'ExternalID', 'Address', 'Town', 'County', 'Postcode', 'Country', 'CompanyGroupIDs'];
const GROUP_FIELDS = ['ID', 'Label'];
const WRITABLE: Record<PeopleModule, readonly string[]> = { User: USER_FIELDS, Company: COMPANY_FIELDS, CompanyGroup: GROUP_FIELDS };
/** A user's writable fields per list of the tenant's custom fields: made once, not on every write. */
const userWritable = new WeakMap<readonly string[], readonly string[]>();
/** The fields a write may set: the module's, and for users the tenant's custom fields. */
function writable(module: PeopleModule, ctx: Ctx): readonly string[] {
  if (module !== 'User') return WRITABLE[module];
  const custom = ctx.settings.userCustomFields;
  let fields = userWritable.get(custom);
  if (!fields) userWritable.set(custom, (fields = [...USER_FIELDS, ...custom.map((n) => `CF_${n}`)]));
  return fields;
}

/**
 * What a list may select, filter and sort on, with each property's type (a $filter it cannot evaluate
 * is a 400: odata.ts). Users: the vendor's whole model. The others have no model in the demo [guess]:
 * text, but for the lists and numbers they hold and the date-times the platform stamps.
 */
const typed = (names: readonly string[], types: Record<string, PropType> = {}): Properties => Object.fromEntries(names.map((n) => [n, types[n] ?? 'string']));
const STAMPS = { DateCreated: 'date', DateUpdated: 'date' } as const;
const TRAINING_TYPES: Record<string, PropType> = { ...STAMPS, CourseDateID: 'int', CourseDateStartDate: 'date', CourseDateEndDate: 'date', TargetDate: 'date', DateCompleted: 'date', ExpiryDate: 'date' };
const PROPERTIES: Record<Module, Properties> = {
  User: USER_MODEL,
  Company: typed([...COMPANY_FIELDS, 'DateCreated', 'DateUpdated'], { ...STAMPS, CompanyGroupIDs: 'list' }),
  CompanyGroup: typed([...GROUP_FIELDS, 'DateCreated', 'DateUpdated'], STAMPS),
  ...(Object.fromEntries(Object.entries(TRAINING_FIELDS).map(([m, names]) => [m, typed(names, TRAINING_TYPES)])) as Record<TrainingModule, Properties>),
};
const custom = (names: readonly string[]): Properties => Object.fromEntries(names.map((n) => [`CF_${n}`, 'string']));
const queryable = (module: Module, ctx: Ctx): Properties =>
  module === 'User' ? { ...PROPERTIES.User, ...custom(ctx.settings.userCustomFields) }
  : module === 'UserCourseDate' ? { ...PROPERTIES.UserCourseDate, ...custom(ctx.settings.delegateCustomFields) }
  : PROPERTIES[module];


interface Token {
  expires: number;
  refresh: string;
}

/** A tenant: its records, and (not saved) the tokens it issued and the rate windows it counts. */
export interface AccessplanitState {
  User: Table;
  Company: Table;
  CompanyGroup: Table;
  /** Training records (seeded by the tenant itself after the users: hrsync never creates them). */
  UserCourseDate: Table;
  UserAward: Table;
  UserJobRole: Table;
  accessTokens: Map<string, Token>;
  refreshTokens: Map<string, number>;
  windows: Map<string, { start: number; count: number }>;
}

export interface AccessplanitCredentials {
  userName: string;
  password: string;
  apiKey: string;
}

export interface AccessplanitSettings {
  /** Requests per hour per endpoint before 429 (documented: 5,000). */
  hourlyLimit: number;
  /** Access-token lifetime (documented: 60 minutes). */
  tokenTtlSeconds: number;
  /** The tenant's lookup lists: what Title, Status and Country must be one of. */
  titles: readonly string[];
  statuses: readonly string[];
  countries: readonly string[];
  /** Whether a POST with the ExternalID of an existing record updates it (an upsert) instead of creating another. */
  upsertOnExternalId: boolean;
  /** The most records a list answer holds, whatever $top asks: more are cut silently. */
  pageCap: number;
  /**
   * Lookup fields (Title, Country, MainRoleID) as lists of strings, the vendor client's shape: answered
   * as lists, and a write must send a list (a .NET API refuses a string for a List<string>) [guess: the
   * strict case]. Off: answered as plain strings, and a write may send either.
   */
  lookupLists: boolean;
  /**
   * The tenant's user custom fields, by name: on the wire as `CF_<name>` properties of a User [guess:
   * the HR integration guide says the User feed carries "all of your User-based Custom Fields" but shows
   * no shape]. A write naming one the tenant lacks is refused (the strict case: never dropped silently).
   */
  userCustomFields: readonly string[];
  /** What a delegate's Status must be one of (the HR guide's five); a write of another is refused. */
  delegateStatuses: readonly string[];
  /**
   * The tenant's delegate custom fields, `CF_<name>` on UserCourseDate [guess: the guide says the feed
   * carries "all of your Delegate-based Custom Fields", shape as the users']. A write naming another is refused.
   */
  delegateCustomFields: readonly string[];
  /**
   * A write naming a User property the platform keeps itself (counts, Fullname, DateCreated,
   * CreatedByName, UniqueID …: user-model.ts): 'refuse' (400 `X cannot be changed.`, the strict case)
   * or 'ignore' (dropped, as the demo's whole-model POST would need) [guess: the demo does not show].
   */
  readOnlyWrites: 'refuse' | 'ignore';
  /** Whether a User's `UserCompaniesIDs` starts with its main company (true) or holds only the others [guess]. */
  userCompaniesWithMain: boolean;
}

type Ctx = PlatformContext<AccessplanitState, AccessplanitCredentials, AccessplanitSettings>;

const unauthorized = (): SandboxResponse => json(401, { message: 'Authorization has been denied for this request.' }, { 'www-authenticate': 'Bearer' }); // [guess] body
const badRequest = (errors: Array<{ field: string; message: string }>): SandboxResponse => json(400, { errors }); // [guess] body shape
const notFound = (module: Module, id: string): SandboxResponse => json(404, { message: `No ${module} with ID '${id}'` });

/** "2025-02-22T11:01:38.17": ISO without zone, two decimals, as the platform writes dates. */
export const accessplanitTimestamp = (ms: number): string => new Date(ms).toISOString().slice(0, 22);

/** Paths seen, and what they name (a write is counted and handled: each path is read twice; the same few paths come again and again). */
const modules = new Map<string, { module: Module | 'Token' | undefined; id: string | undefined }>();

function moduleOf(path: string): { module: Module | 'Token' | undefined; id: string | undefined } {
  let known = modules.get(path);
  if (!known) {
    if (modules.size >= 1000) modules.clear();
    modules.set(path, (known = parsePath(path)));
  }
  return known;
}

function parsePath(path: string): { module: Module | 'Token' | undefined; id: string | undefined } {
  const rest = path.slice(BASE.length).split('/').filter(Boolean).map(decodeURIComponent);
  const name = rest[0] ?? '';
  if (name.toLowerCase() === 'token') return { module: 'Token', id: undefined };
  const module = MODULES.find((m) => m.toLowerCase() === name.toLowerCase());
  return { module, id: rest[1] };
}

function checkToken(req: SandboxRequest, ctx: Ctx): boolean {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(header);
  if (!m) return false;
  const token = m[1]!.trim();
  if (token === ctx.credentials.apiKey) return true;
  const entry = ctx.state.accessTokens.get(token);
  return entry !== undefined && entry.expires > ctx.now();
}

function issueTokens(ctx: Ctx): SandboxResponse {
  const access = randomBytes(24).toString('base64url');
  const refresh = randomBytes(24).toString('base64url');
  const now = ctx.now();
  ctx.state.accessTokens.set(access, { expires: now + ctx.settings.tokenTtlSeconds * 1000, refresh });
  ctx.state.refreshTokens.set(refresh, now + 14 * 24 * 3600 * 1000);
  return json(200, {
    access_token: access,
    token_type: 'bearer',
    expires_in: ctx.settings.tokenTtlSeconds,
    refresh_token: refresh,
    userID: ctx.credentials.userName,
    refresh_token_expires_in: 14 * 24 * 3600,
  });
}

function token(req: SandboxRequest, ctx: Ctx): SandboxResponse {
  if (req.method !== 'POST') return json(405, { message: 'The requested resource does not support this method.' });
  // Form keys are matched ignoring case, as the vendor's server stack does (one demo client posts
  // UserName and Password, another username and password).
  const raw = new URLSearchParams(req.body);
  const form = { get: (key: string) => [...raw].find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1] ?? null };
  const grant = form.get('grant_type');
  const invalid = (description: string) => json(400, { error: 'invalid_grant', error_description: description });
  if (grant === 'password') {
    const { userName, password } = ctx.credentials;
    if (form.get('UserName') !== userName || form.get('Password') !== password) return invalid('The user name or password is incorrect.');
    return issueTokens(ctx);
  }
  if (grant === 'refresh_token') {
    const refresh = form.get('refresh_token') ?? '';
    const expires = ctx.state.refreshTokens.get(refresh);
    if (expires === undefined || expires <= ctx.now()) return invalid('The refresh token is invalid or has expired.');
    ctx.state.refreshTokens.delete(refresh);
    return issueTokens(ctx);
  }
  return json(400, { error: 'unsupported_grant_type' });
}

/** Fixed one-hour windows per endpoint, as the documented 5,000 requests per hour per endpoint. */
function rateLimited(endpoint: string, ctx: Ctx): SandboxResponse | undefined {
  if (ctx.seeding) return undefined;
  const map = ctx.state.windows;
  const now = ctx.now();
  let w = map.get(endpoint);
  if (!w || now - w.start >= 3600_000) map.set(endpoint, (w = { start: now, count: 0 }));
  if (++w.count <= ctx.settings.hourlyLimit) return undefined;
  const retryAfter = Math.max(1, Math.ceil((w.start + 3600_000 - now) / 1000));
  return json(429, { message: `Rate limit of ${ctx.settings.hourlyLimit} requests per hour exceeded for ${endpoint}.` }, { 'retry-after': String(retryAfter) }); // [guess] 429
}


/** The values of a lookup field, stored as a list or a string. */
const listed = (value: unknown): string[] => (Array.isArray(value) ? value.map(str).filter(Boolean) : str(value) ? [str(value)] : []);

/** The platform's own field rules, applied to the record as it would be after the write. */
function validate(module: PeopleModule, row: Row, ctx: Ctx, creating: boolean): Array<{ field: string; message: string }> {
  const errors: Array<{ field: string; message: string }> = [];
  const need = (field: string, max?: number) => {
    const v = str(row[field]).trim();
    if (!v) errors.push({ field, message: `${field} is mandatory.` });
    else if (max !== undefined && v.length > max) errors.push({ field, message: `${field} must be ${max} characters or fewer.` });
  };
  const max = (field: string, n: number) => {
    if (str(row[field]).length > n) errors.push({ field, message: `${field} must be ${n} characters or fewer.` });
  };
  const email = (field: string) => {
    const v = str(row[field]);
    if (v && !SERVER_EMAIL.test(v)) errors.push({ field, message: `${field} is not a valid email address.` });
  };
  const { User, Company, CompanyGroup } = ctx.state;
  if (module === 'User') {
    max('ID', 10);
    need('Forenames', 50);
    max('MiddleNames', 250);
    need('Surname', 40);
    email('Email');
    for (const title of listed(row.Title)) if (!ctx.settings.titles.includes(title)) errors.push({ field: 'Title', message: `Title '${title}' does not exist.` });
    for (const country of listed(row.Country)) if (!ctx.settings.countries.includes(country)) errors.push({ field: 'Country', message: `Country '${country}' does not exist.` });
    if (str(row.Status) && !ctx.settings.statuses.includes(str(row.Status))) errors.push({ field: 'Status', message: `Status '${str(row.Status)}' is not valid.` });
    if (row.MarketingOptIn !== undefined && row.MarketingOptIn !== null && typeof row.MarketingOptIn !== 'boolean')
      errors.push({ field: 'MarketingOptIn', message: 'MarketingOptIn must be true or false.' });
    if (str(row.DOB) && Number.isNaN(Date.parse(str(row.DOB)))) errors.push({ field: 'DOB', message: 'DOB is not a valid date.' });
    for (const [field, table, what] of [['ManagerUsersIDs', User, 'User'], ['UserCompaniesIDs', Company, 'Company'], ['ManagedCompaniesIDs', Company, 'Company']] as const)
      for (const ref of idsOf(row[field])) if (!table.has(ref)) errors.push({ field, message: `${what} '${ref}' does not exist.` });
    if (idsOf(row.ManagerUsersIDs).includes(str(row.ID))) errors.push({ field: 'ManagerUsersIDs', message: 'A user cannot be their own manager.' }); // [guess]
    const company = str(row.MainCompanyID);
    if (!company) {
      if (creating) errors.push({ field: 'MainCompanyID', message: 'MainCompanyID is mandatory.' });
    } else if (!Company.has(company)) errors.push({ field: 'MainCompanyID', message: `Company '${company}' does not exist.` });
  } else if (module === 'Company') {
    need('Name');
    email('Email');
    const contact = str(row.MainContactUserID);
    if (contact && !User.has(contact)) errors.push({ field: 'MainContactUserID', message: `User '${contact}' does not exist.` });
    const groups = row.CompanyGroupIDs;
    if (!Array.isArray(groups) || groups.length === 0) errors.push({ field: 'CompanyGroupIDs', message: 'CompanyGroupIDs is mandatory.' });
    else for (const g of groups) if (!CompanyGroup.has(str(g))) errors.push({ field: 'CompanyGroupIDs', message: `Company Group '${str(g)}' does not exist.` });
  } else need('Label');
  return errors;
}

/** The next number to try after each user-ID stem, so a thousand Jo Bloggs cost no rescans. */
const nextSuffix = new WeakMap<Table, Map<string, number>>();

/** [guess] ID formats: users "jasmit" (forename + surname letters), companies "DOEV908", groups numbers. */
function assignId(module: PeopleModule, row: Row, table: Table): string {
  const letters = (s: unknown) => str(s).normalize('NFD').replace(/[^A-Za-z]/g, '');
  if (module === 'User') {
    const stem = (letters(row.Forenames).slice(0, 2) + letters(row.Surname).slice(0, 4)).toLowerCase() || 'user';
    if (!table.has(stem)) return stem;
    if (!nextSuffix.has(table)) nextSuffix.set(table, new Map());
    const counters = nextSuffix.get(table)!;
    for (let n = counters.get(stem) ?? 2; ; n++) {
      const suffix = String(n);
      const id = stem.slice(0, 10 - suffix.length) + suffix; // at most 10 characters: the stem gives way
      if (!table.has(id)) {
        counters.set(stem, n + 1);
        return id;
      }
    }
  }
  if (module === 'Company') {
    const stem = (letters(row.Name).slice(0, 4).toUpperCase() || 'COMP').padEnd(4, 'X');
    for (let n = table.size + 1; ; n++) if (!table.has(`${stem}${String(n).padStart(3, '0')}`)) return `${stem}${String(n).padStart(3, '0')}`;
  }
  for (let n = table.size + 1; ; n++) if (!table.has(String(n))) return String(n);
}

/** A record as the API returns it: a User with every property of the model (users.ts). */
const present = (module: Module, row: Row, ctx: Ctx): Row => (module === 'User' ? presentUser(row, ctx.state, ctx.settings) : row);

/** A module's records: its table, or (the authorisation overview) a view derived from the delegates. */
const tableOf = (module: Module, ctx: Ctx): Table => (module === 'ManagerUserCourseDateAuthorisation' ? authorisations(ctx.state) : ctx.state[module]);

function list(module: Module, req: SandboxRequest, ctx: Ctx): SandboxResponse {
  let query;
  let rows;
  try {
    query = parseListQuery(req.url.searchParams, Infinity, queryable(module, ctx));
    const q = query;
    const key = `${q.filterText}|${JSON.stringify(q.orderBy)}`;
    // A filter of IDs alone (hrsync asks for managers' emails 20 IDs at a time) is decided on the ID as
    // presented, not on every user presented whole: that took 2.4 s a request at 120,000 users.
    const idsAlone = module === 'User' && q.filter !== undefined && fieldsIn(q.filter).every((f) => f.toLowerCase() === 'id');
    const subject = (r: Row): Row => (idsAlone ? { ID: str(r.ID) || null } : present(module, r, ctx));
    rows = tableOf(module, ctx).view(key === '|[]' ? '' : key, (all) => {
      let out = q.filter ? all.filter((r) => matches(q.filter!, subject(r))) : all;
      if (q.orderBy.length) out = [...out].sort(compareRows(q.orderBy));
      return out;
    });
  } catch (error) {
    if (error instanceof ODataError) return json(400, { message: error.message });
    throw error;
  }
  // [guess] the largest page is undocumented: a $top over the cap gets the cap, silently (the harder case).
  const page = rows.slice(query.skip, query.skip + Math.min(query.top ?? ctx.settings.pageCap, ctx.settings.pageCap));
  const body: Record<string, unknown> = { results: page.map((r) => project(present(module, r, ctx), query.select)) };
  if (query.count) body.count = rows.length; // [guess] the count field's name
  return json(200, body);
}

function write(module: Module, id: string | undefined, req: SandboxRequest, ctx: Ctx): SandboxResponse {
  const stamp = accessplanitTimestamp(ctx.now());
  if (isTraining(module)) return writeTraining(module, id, req, module === 'ManagerUserCourseDateAuthorisation' ? undefined : ctx.state[module], ctx.settings, stamp);
  const table = ctx.state[module];
  if (req.method === 'DELETE') {
    if (!id || !table.has(id)) return notFound(module, id ?? '');
    // [guess] referential integrity on delete: a company with users, a group with companies, stay.
    const { User, Company } = ctx.state;
    // [guess] a user's other companies (UserCompaniesIDs) and managed companies count as the main one does.
    if (module === 'Company' && User.find((u) => str(u.MainCompanyID) === id || idsOf(u.UserCompaniesIDs).includes(id) || idsOf(u.ManagedCompaniesIDs).includes(id)))
      return badRequest([{ field: 'ID', message: `Company '${id}' still has users.` }]);
    if (module === 'CompanyGroup' && Company.find((c) => Array.isArray(c.CompanyGroupIDs) && c.CompanyGroupIDs.map(str).includes(id)))
      return badRequest([{ field: 'ID', message: `Company Group '${id}' is still used by companies.` }]);
    table.delete(id);
    // [guess] a deleted user is no one's manager any more.
    if (module === 'User')
      for (const u of User.rows()) if (idsOf(u.ManagerUsersIDs).includes(id)) User.set(str(u.ID), { ...u, ManagerUsersIDs: idsOf(u.ManagerUsersIDs).filter((m) => m !== id).join(',') || null });
    return { status: 200, body: { message: `${module} '${id}' deleted.` }, wrote: true };
  }
  const body = parseJson(req.body);
  if (!isObject(body)) return json(400, { message: 'The request body must be a JSON object.' });
  const settable = writable(module, ctx);
  const fields: Row = pickFields(body, settable);
  const unknownCustom = module === 'User' ? Object.keys(body).filter((k) => /^CF_/i.test(k) && !(k in fields) && !settable.some((w) => w.toLowerCase() === k.toLowerCase())) : [];
  if (unknownCustom.length) return badRequest(unknownCustom.map((k) => ({ field: k, message: `The custom field '${k.slice(3)}' does not exist.` })));
  const shapes = module === 'User' ? checkUserWrite(body, ctx.settings) : [];
  if (shapes.length) return badRequest(shapes);
  if (req.method === 'PUT') {
    if (!id) return json(405, { message: 'PUT needs an ID in the path.' });
    const current = table.get(id);
    if (!current) return notFound(module, id);
    delete fields.ID;
    const next = { ...current, ...fields, DateUpdated: stamp }; // only the fields sent change
    const errors = validate(module, next, ctx, false);
    if (errors.length) return badRequest(errors);
    table.set(id, next);
    return { status: 200, body: present(module, next, ctx), wrote: true };
  }
  if (req.method !== 'POST' || id) return json(405, { message: 'The requested resource does not support this method.' });
  // [guess] the "upsert POST" exists but its match rule is undocumented: a record with the same ID is
  // updated; matching on ExternalID too is a setting, off by default — the harder case for a client,
  // whose lost create must then be settled by a lookup, or a second POST makes a duplicate.
  const existing =
    (fields.ID !== undefined && str(fields.ID) && table.get(str(fields.ID))) ||
    (ctx.settings.upsertOnExternalId && str(fields.ExternalID) ? table.findBy('ExternalID', str(fields.ExternalID)) : undefined);
  if (existing) {
    const next = { ...existing, ...fields, ID: existing.ID, DateUpdated: stamp };
    const errors = validate(module, next, ctx, false);
    if (errors.length) return badRequest(errors);
    table.set(str(existing.ID), next);
    return { status: 200, body: present(module, next, ctx), wrote: true };
  }
  // Every writable field, null unless sent (a company's groups an empty list), in the fields' order.
  const row: Row = {};
  for (const f of settable) row[f] = null;
  if (module === 'Company') row.CompanyGroupIDs = [];
  Object.assign(row, fields);
  if (module === 'User' && row.MarketingOptIn === null) row.MarketingOptIn = false;
  if (module === 'User' && !str(row.Status)) row.Status = 'New';
  const errors = validate(module, row, ctx, true);
  if (errors.length) return badRequest(errors);
  row.ID = str(row.ID) || assignId(module, row, table);
  row.DateCreated = stamp;
  row.DateUpdated = stamp;
  if (module === 'User') row.UniqueID = randomUUID();
  table.set(str(row.ID), row);
  return { status: 201, body: present(module, row, ctx), wrote: true, headers: { location: `${BASE}${module}/${encodeURIComponent(str(row.ID))}` } };
}

const TABLES = ['User', 'Company', 'CompanyGroup', 'UserCourseDate', 'UserAward', 'UserJobRole'] as const;
const TRAINING_TABLES: readonly StoredTraining[] = ['UserCourseDate', 'UserAward', 'UserJobRole'];

export const accessplanit = definePlatform({
  name: 'accessplanit',
  summary: 'accessplanit API v2: Token (password and refresh grants, or an API key), User, Company, CompanyGroup, and the training feeds UserCourseDate, ManagerUserCourseDateAuthorisation, UserAward, UserJobRole, with OData-style lists',
  basePath: BASE.slice(0, -1),
  matches: (path) => path.startsWith(BASE) || path === BASE.slice(0, -1),
  endpoint: (req) => moduleOf(req.url.pathname).module ?? 'unknown',
  flags: {
    user: { flags: '--user <name>', description: 'accessplanit user name for the password grant', defaultValue: 'demo' },
    password: { flags: '--password <password>', description: 'accessplanit password for the password grant', defaultValue: 'demo' },
  },
  credentials: ({ key, flags = {}, given }): AccessplanitCredentials => ({
    userName: typeof flags.user === 'string' ? flags.user : 'demo',
    password: typeof flags.password === 'string' ? flags.password : 'demo',
    apiKey: key ?? 'sandbox-key',
    ...(given as Partial<AccessplanitCredentials> | undefined),
  }),
  unlimited: { hourlyLimit: Infinity },
  defaultSettings: { hourlyLimit: 5000, tokenTtlSeconds: 3600, titles: TITLES, statuses: STATUSES, countries: COUNTRIES, upsertOnExternalId: false, pageCap: 100, lookupLists: true, readOnlyWrites: 'refuse', userCompaniesWithMain: true, userCustomFields: ['PayrollNumber', 'Department', 'LineManager'], delegateStatuses: DELEGATE_STATUSES, delegateCustomFields: ['PurchaseOrder'] } satisfies AccessplanitSettings as AccessplanitSettings,
  createState: (): AccessplanitState => ({
    User: new Table(), Company: new Table(), CompanyGroup: new Table(), UserCourseDate: new Table(), UserAward: new Table(), UserJobRole: new Table(),
    accessTokens: new Map(), refreshTokens: new Map(), windows: new Map(),
  }),
  saveState: (state) => Object.fromEntries(TABLES.map((t) => [t, state[t]])),
  loadState: (saved): AccessplanitState => {
    if (saved === null || typeof saved !== 'object') throw new StateShapeError('accessplanit is not an object');
    const tables = saved as Record<string, unknown>;
    return {
      User: tableFrom(tables.User, 'accessplanit.User'), Company: tableFrom(tables.Company, 'accessplanit.Company'), CompanyGroup: tableFrom(tables.CompanyGroup, 'accessplanit.CompanyGroup'),
      // A state file written before the training feeds were emulated has none: they start empty.
      ...(Object.fromEntries(TRAINING_TABLES.map((t) => [t, tables[t] === undefined ? new Table() : tableFrom(tables[t], `accessplanit.${t}`)])) as Record<StoredTraining, Table>),
      accessTokens: new Map(), refreshTokens: new Map(), windows: new Map(),
    };
  },
  // The tenant's own training records for the users the seed created (hrsync never creates them).
  afterSeed: (ctx) => seedTraining(ctx.state, ctx.settings.delegateCustomFields, accessplanitTimestamp(ctx.now())),
  describe: (origin, c) => `accessplanit  ${origin}${BASE.slice(0, -1)}   user ${c.userName} / password ${c.password}, or API key ${c.apiKey}`,
  client: (origin, c) => ({
    config: { type: 'accessplanit', baseUrl: `${origin}${BASE.slice(0, -1)}`, apiKey: 'env:HRSYNC_SANDBOX_ACCESSPLANIT_KEY' },
    env: { HRSYNC_SANDBOX_ACCESSPLANIT_KEY: c.apiKey },
  }),
  handle(req, ctx) {
    const { module, id } = moduleOf(req.url.pathname);
    if (module === 'Token') return token(req, ctx);
    if (!module) return json(404, { message: 'No HTTP resource was found that matches the request URI.' });
    if (!checkToken(req, ctx)) return unauthorized();
    const limited = rateLimited(module, ctx);
    if (limited) return limited;
    if (req.method === 'GET') {
      if (id === undefined) return list(module, req, ctx);
      const row = tableOf(module, ctx).get(id);
      return row ? json(200, present(module, row, ctx)) : notFound(module, id);
    }
    return write(module, id, req, ctx);
  },
});
