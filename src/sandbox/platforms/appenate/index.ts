import { randomUUID } from 'node:crypto';
import { isObject, json, parseJson, pickFields, SERVER_EMAIL, str, type SandboxRequest, type SandboxResponse } from '../../http.js';
import type { Row } from '../../odata.js';
import { definePlatform, type PlatformContext } from '../../platform.js';
import { Table, tableFrom } from '../../table.js';

/**
 * Appenate API v2 (platforms.md §2 and §5): users, user groups and folders. [guess] marks what the
 * vendor does not document; where it is silent the default is the harder case for a client:
 * - a search needs one of Name, Email or ExternalId [doc]; whether an empty `Name=` lists everyone
 *   is not known, so it is refused unless `emptyNameSearch` says `all` (or `none`: an empty list,
 *   the answer that would make a careless client plan every row as a create);
 * - errors come "mostly" as 200/400/401/405 with a ResponseStatus [doc]: with `errorsInOk` every
 *   failure is an HTTP 200 whose ResponseStatus has an ErrorCode;
 * - a user's Groups and Folders are GUIDs; `UseNames=true` reads and writes them as names [doc];
 *   a name or GUID that does not exist is refused [guess: the other choice, dropping it, would
 *   show as a change on every run];
 * - a body field the vendor does not document is refused, naming it, unless `unknownFields` is `drop`;
 * - every create e-mails an invitation unless `DoNotEmail` [doc], logged in `invitations`; `Type`
 *   (Standard or Premium: billable) defaults to `defaultUserType` [guess: Premium, the costly one].
 */
const ROOT = '/api/v2';
const MAX_PAGE = 250;
/** WebsiteRole values the brands' POST User pages name [doc: eFormsMobile "POST User", seed 002]. */
const ROLES = new Set(['ReadOnly', 'User', 'Admin', 'EnterpriseAdmin', 'VendorAdmin', 'SuperAdmin']);
const USER_TYPES = new Set(['Standard', 'Premium']);

export interface AppenateSettings {
  emptyNameSearch: 'refuse' | 'all' | 'none';
  /**
   * A body field the vendor does not document (`ShoeSize`, a misspelling): `refuse` answers 400 naming
   * it (the default: a misspelt field never passes a test while its data vanishes); `drop` ignores
   * it, as ServiceStack's deserializer does unless told otherwise [guess: how the vendor's is set].
   */
  unknownFields: 'refuse' | 'drop';
  errorsInOk: boolean;
  defaultUserType: string;
}

export interface AppenateState {
  users: Table;
  groups: Table;
  folders: Table;
  /** Invitation e-mails the platform sent: who, when. */
  invitations: Array<{ Email: string; At: string }>;
}

export interface AppenateCredentials {
  companyId: string;
  integrationKey: string;
}

type Ctx = PlatformContext<AppenateState, AppenateCredentials, AppenateSettings>;
type FieldError = { ErrorCode: string; FieldName: string; Message: string };
const USER_FIELDS = ['ExternalId', 'FirstName', 'LastName', 'Email', 'WebsiteRole', 'Folders', 'Groups', 'Country', 'TimeZone', 'Type', 'Status', 'Metadata'];
const GROUP_FIELDS = ['Name', 'ExternalId'];
/** Besides the fields kept: the credentials and options a body may carry [doc: seed 002, the brands' POST User pages]. */
const OPTIONS = ['Id', 'CompanyId', 'IntegrationKey', 'format'];
/**
 * Every field a body may name, by resource, compared ignoring case (ServiceStack binds them so): seed
 * 002's User (LastActivity and UserDevices too, read only: kept as they are), the create options
 * (Password, DoNotEmail, ResetPassword, UseNames, UseExternalIds); a user group's UserIds [doc: KB].
 */
const KNOWN: Record<'user' | 'usergroup' | 'folder', readonly string[]> = {
  user: [...USER_FIELDS, ...OPTIONS, 'LastActivity', 'UserDevices', 'Password', 'DoNotEmail', 'ResetPassword', 'UseNames', 'UseExternalIds'],
  usergroup: [...GROUP_FIELDS, ...OPTIONS, 'UserIds'],
  folder: [...GROUP_FIELDS, ...OPTIONS],
};

/** The body's fields the resource does not document, as field errors (none when `unknownFields` is `drop`). */
function unknownFields(call: Call, resource: keyof typeof KNOWN, noun: string): FieldError[] {
  if (!call.body || call.ctx.settings.unknownFields === 'drop') return [];
  const known = new Set(KNOWN[resource].map((f) => f.toLowerCase()));
  return Object.keys(call.body)
    .filter((field) => !known.has(field.toLowerCase()))
    .map((field) => ({ ErrorCode: 'UnknownField', FieldName: field, Message: `'${field}' is not a field of ${noun}.` }));
}

const status = (errorCode?: string, message?: string, errors: FieldError[] = []) =>
  errorCode ? { ErrorCode: errorCode, Message: message ?? errorCode, StackTrace: null, Errors: errors } : { Errors: [] };

const lower = (v: unknown) => str(v).toLowerCase();

/** Query parameters compare ignoring case (ServiceStack binds them that way). */
function param(req: SandboxRequest, name: string, body?: Record<string, unknown>): string | undefined {
  for (const [k, v] of req.url.searchParams) if (k.toLowerCase() === name.toLowerCase()) return v;
  if (body) for (const [k, v] of Object.entries(body)) if (k.toLowerCase() === name.toLowerCase()) return str(v);
  return undefined;
}

const flag = (req: SandboxRequest, name: string, body?: Record<string, unknown>) => lower(param(req, name, body)) === 'true';

/** What one request needs besides the state: how to answer a failure, and whether names stand for GUIDs. */
interface Call {
  req: SandboxRequest;
  ctx: Ctx;
  body: Record<string, unknown> | undefined;
  fail(code: number, errorCode: string, message: string, errors?: FieldError[]): SandboxResponse;
}

/** A user's Groups or Folders as stored (GUIDs) → as answered (names with UseNames). */
function refsOut(ids: unknown, table: Table, names: boolean): string[] {
  const list = Array.isArray(ids) ? ids.map(str) : [];
  return names ? list.map((id) => str(table.get(id)?.Name) || id) : list;
}

/** Groups or Folders as sent (names with UseNames, else GUIDs) → GUIDs; unknown ones are field errors. */
function refsIn(value: unknown, table: Table, names: boolean, field: string, errors: FieldError[]): string[] {
  const list = Array.isArray(value) ? value.map(str) : value === null || value === undefined || value === '' ? [] : [str(value)];
  const ids: string[] = [];
  const what = field === 'Groups' ? 'user group' : 'folder';
  for (const item of list) {
    const row = names ? table.findBy('Name', item, lower) : table.get(item);
    if (row) ids.push(str(row.Id));
    else errors.push({ ErrorCode: 'NotFound', FieldName: field, Message: `The ${what} '${item}' does not exist.` });
  }
  return ids;
}

function userOut(row: Row, call: Call): Row {
  const names = flag(call.req, 'UseNames', call.body);
  return { ...row, Groups: refsOut(row.Groups, call.ctx.state.groups, names), Folders: refsOut(row.Folders, call.ctx.state.folders, names) };
}

function validateUser(row: Row, ctx: Ctx, selfId: string | undefined, errors: FieldError[]): void {
  for (const field of ['FirstName', 'LastName', 'Email'])
    if (!str(row[field]).trim()) errors.push({ ErrorCode: 'NotEmpty', FieldName: field, Message: `'${field}' should not be empty.` });
  const email = str(row.Email);
  if (email && !SERVER_EMAIL.test(email)) errors.push({ ErrorCode: 'Email', FieldName: 'Email', Message: `'Email' is not a valid email address.` });
  const holder = email ? ctx.state.users.findBy('Email', email, lower) : undefined;
  if (holder && holder.Id !== selfId) errors.push({ ErrorCode: 'Unique', FieldName: 'Email', Message: `A user with email '${email}' already exists.` }); // [guess]
  if (str(row.WebsiteRole) && !ROLES.has(str(row.WebsiteRole)))
    errors.push({ ErrorCode: 'Enum', FieldName: 'WebsiteRole', Message: `'${str(row.WebsiteRole)}' is not a valid WebsiteRole.` });
  if (str(row.Type) && !USER_TYPES.has(str(row.Type))) errors.push({ ErrorCode: 'Enum', FieldName: 'Type', Message: `'${str(row.Type)}' is not a valid user Type.` });
}

/**
 * A search: at least one of the named filters is required [doc]; an empty Name= is what
 * `emptyNameSearch` says; Name matches as a substring ignoring case; PageNo 0-based, PageSize ≤ 250.
 */
function search(call: Call, table: Table, key: string, filters: Record<string, (row: Row, value: string) => boolean>): SandboxResponse {
  const given = Object.keys(filters).map((name) => [name, param(call.req, name)] as const).filter(([, v]) => v !== undefined) as Array<[string, string]>;
  if (given.length === 0) return call.fail(400, 'ArgumentException', `At least one of ${Object.keys(filters).join(', ')} is required.`);
  const pageNo = Number(param(call.req, 'PageNo') ?? 0);
  const pageSize = Number(param(call.req, 'PageSize') ?? 100);
  if (!Number.isInteger(pageNo) || pageNo < 0) return call.fail(400, 'ArgumentException', 'PageNo must be 0 or more.');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE) return call.fail(400, 'ArgumentException', `PageSize must be between 1 and ${MAX_PAGE}.`);
  const onlyEmptyName = given.every(([name, v]) => name === 'Name' && v === '');
  if (onlyEmptyName && call.ctx.settings.emptyNameSearch === 'refuse') return call.fail(400, 'ArgumentException', `At least one of ${Object.keys(filters).join(', ')} is required.`);
  const wanted = param(call.req, 'Status');
  const hits =
    onlyEmptyName && call.ctx.settings.emptyNameSearch === 'none'
      ? []
      : table.rows().filter((row) => given.every(([name, v]) => v === '' || filters[name]!(row, v)) && (!wanted || lower(row.Status) === wanted.toLowerCase()));
  const page = hits.slice(pageNo * pageSize, pageNo * pageSize + pageSize);
  return json(200, { [key]: key === 'Users' ? page.map((u) => userOut(u, call)) : page, TotalRows: hits.length, PageNo: pageNo, PageSize: pageSize, ResponseStatus: status() });
}

const nameHas = (field: string) => (row: Row, v: string) => lower(row[field]).includes(v.toLowerCase());
const fullNameHas = (row: Row, v: string) => `${str(row.FirstName)} ${str(row.LastName)}`.toLowerCase().includes(v.toLowerCase());
const equalsIgnoringCase = (field: string) => (row: Row, v: string) => lower(row[field]) === v.toLowerCase();
const equals = (field: string) => (row: Row, v: string) => str(row[field]) === v;

/** One record by Id, or by the named fields, in that order. */
function findOne(call: Call, table: Table, by: Array<[string, (v: unknown) => string]>): Row | undefined | 'missing-key' {
  const id = param(call.req, 'Id');
  if (id) return table.get(id);
  for (const [field, normalise] of by) {
    const value = param(call.req, field);
    if (value) return table.findBy(field, value, normalise);
  }
  return 'missing-key';
}

function users(call: Call): SandboxResponse {
  const { req, ctx, body } = call;
  const table = ctx.state.users;
  if (req.method === 'GET') {
    const user = findOne(call, table, [['Email', lower], ['ExternalId', str]]);
    if (user === 'missing-key') return call.fail(400, 'ArgumentException', 'One of Id, Email or ExternalId is required.');
    return user ? json(200, { User: userOut(user, call), ResponseStatus: status() }) : call.fail(404, 'NotFound', 'User not found.');
  }
  if (req.method === 'DELETE') {
    const id = param(req, 'Id');
    if (!id || !table.has(id)) return call.fail(404, 'NotFound', 'User not found.');
    table.delete(id);
    return { ...json(200, { ResponseStatus: status() }), wrote: true };
  }
  if (!body) return call.fail(400, 'SerializationException', 'The request body must be a JSON object.');
  const unknown = unknownFields(call, 'user', 'User');
  if (unknown.length) return call.fail(400, 'ValidationException', unknown[0]!.Message, unknown);
  const fields: Row = pickFields(body, USER_FIELDS);
  const names = flag(req, 'UseNames', body);
  const errors: FieldError[] = [];
  if ('Groups' in fields) fields.Groups = refsIn(fields.Groups, ctx.state.groups, names, 'Groups', errors);
  if ('Folders' in fields) fields.Folders = refsIn(fields.Folders, ctx.state.folders, names, 'Folders', errors);
  if (req.method === 'PUT') {
    const id = param(req, 'Id', body);
    const current = id ? table.get(id) : undefined;
    if (!current) return call.fail(404, 'NotFound', 'User not found.');
    const next = { ...current, ...fields };
    validateUser(next, ctx, str(current.Id), errors);
    if (errors.length) return call.fail(400, 'ValidationException', errors[0]!.Message, errors);
    table.set(str(current.Id), next);
    return { ...json(200, { User: userOut(next, call), ResponseStatus: status() }), wrote: true };
  }
  if (req.method !== 'POST') return call.fail(405, 'MethodNotAllowed', 'Method not allowed.');
  const row: Row = {
    Id: randomUUID(), CompanyId: Number(ctx.credentials.companyId), ExternalId: null, FirstName: null, LastName: null, Email: null,
    LastActivity: null, Folders: [], Groups: [], WebsiteRole: 'User', UserDevices: [], Type: ctx.settings.defaultUserType, ...fields, Status: 'Invited',
  };
  validateUser(row, ctx, undefined, errors);
  if (errors.length) return call.fail(400, 'ValidationException', errors[0]!.Message, errors);
  table.set(str(row.Id), row);
  if (!flag(req, 'DoNotEmail', body)) ctx.state.invitations.push({ Email: str(row.Email), At: new Date(ctx.now()).toISOString() });
  return { ...json(200, { User: userOut(row, call), ResponseStatus: status() }), wrote: true };
}

/** A user group's members, as the API shows them (UserIds [doc]): the users whose Groups hold it. */
const withMembers = (group: Row, ctx: Ctx): Row => ({ ...group, UserIds: ctx.state.users.rows().filter((u) => Array.isArray(u.Groups) && u.Groups.includes(group.Id)).map((u) => u.Id) });

/** User groups and folders: Name (unique ignoring case [guess]) and ExternalId. */
function named(call: Call, kind: 'usergroup' | 'folder'): SandboxResponse {
  const { req, ctx, body } = call;
  const table = kind === 'usergroup' ? ctx.state.groups : ctx.state.folders;
  const noun = kind === 'usergroup' ? 'User group' : 'Folder';
  const out = (row: Row) => (kind === 'usergroup' ? withMembers(row, ctx) : row);
  const answer = (row: Row) => json(200, { [kind === 'usergroup' ? 'UserGroup' : 'Folder']: out(row), ResponseStatus: status() });
  if (req.method === 'GET') {
    const row = findOne(call, table, [['Name', lower], ['ExternalId', str]]);
    if (row === 'missing-key') return call.fail(400, 'ArgumentException', 'One of Id, Name or ExternalId is required.');
    return row ? answer(row) : call.fail(404, 'NotFound', `${noun} not found.`);
  }
  if (req.method === 'DELETE') {
    const id = param(req, 'Id');
    if (!id || !table.has(id)) return call.fail(404, 'NotFound', `${noun} not found.`);
    table.delete(id);
    const field = kind === 'usergroup' ? 'Groups' : 'Folders';
    for (const user of ctx.state.users.rows()) if (Array.isArray(user[field]) && user[field].includes(id)) ctx.state.users.set(str(user.Id), { ...user, [field]: user[field].filter((g: unknown) => g !== id) });
    return { ...json(200, { ResponseStatus: status() }), wrote: true };
  }
  if (!body) return call.fail(400, 'SerializationException', 'The request body must be a JSON object.');
  const unknown = unknownFields(call, kind, noun);
  if (unknown.length) return call.fail(400, 'ValidationException', unknown[0]!.Message, unknown);
  const fields: Row = pickFields(body, GROUP_FIELDS);
  const current = req.method === 'PUT' ? table.get(param(req, 'Id', body) ?? '') : undefined;
  if (req.method === 'PUT' && !current) return call.fail(404, 'NotFound', `${noun} not found.`);
  if (req.method !== 'PUT' && req.method !== 'POST') return call.fail(405, 'MethodNotAllowed', 'Method not allowed.');
  const row: Row = current ? { ...current, ...fields } : { Id: randomUUID(), Name: null, ExternalId: null, ...fields };
  const errors: FieldError[] = [];
  if (!str(row.Name).trim()) errors.push({ ErrorCode: 'NotEmpty', FieldName: 'Name', Message: `'Name' should not be empty.` });
  const holder = str(row.Name) ? table.findBy('Name', str(row.Name), lower) : undefined;
  if (holder && holder.Id !== row.Id) errors.push({ ErrorCode: 'Unique', FieldName: 'Name', Message: `A ${noun.toLowerCase()} named '${str(row.Name)}' already exists.` });
  if (errors.length) return call.fail(400, 'ValidationException', errors[0]!.Message, errors);
  table.set(str(row.Id), row);
  if (kind === 'usergroup' && Array.isArray(body.UserIds ?? body.userIds)) {
    const members = new Set(((body.UserIds ?? body.userIds) as unknown[]).map(str));
    for (const user of ctx.state.users.rows()) {
      const groups = Array.isArray(user.Groups) ? (user.Groups as string[]) : [];
      const next = members.has(str(user.Id)) ? [...new Set([...groups, str(row.Id)])] : groups.filter((g) => g !== row.Id);
      if (next.length !== groups.length) ctx.state.users.set(str(user.Id), { ...user, Groups: next });
    }
  }
  return { ...answer(row), wrote: true };
}

export const appenate = definePlatform({
  name: 'appenate',
  summary: 'Appenate API v2: user, usergroup and folder (GET, POST, PUT, DELETE; /search paged), errors in a ServiceStack ResponseStatus',
  basePath: ROOT,
  flags: {
    companyId: { flags: '--company-id <id>', description: 'Appenate CompanyId', defaultValue: '1' },
  },
  credentials: ({ key, flags = {}, given }): AppenateCredentials => ({
    companyId: typeof flags.companyId === 'string' ? flags.companyId : '1',
    integrationKey: key ?? 'sandbox-key',
    ...(given as Partial<AppenateCredentials> | undefined),
  }),
  defaultSettings: { emptyNameSearch: 'refuse', unknownFields: 'refuse', errorsInOk: false, defaultUserType: 'Premium' } satisfies AppenateSettings as AppenateSettings,
  createState: (): AppenateState => ({ users: new Table(), groups: new Table(), folders: new Table(), invitations: [] }),
  saveState: (state) => ({ users: state.users, groups: state.groups, folders: state.folders, invitations: state.invitations }),
  loadState: (saved): AppenateState => {
    const s = (saved ?? {}) as { users?: unknown; groups?: unknown; folders?: unknown; invitations?: unknown };
    return {
      users: tableFrom(s.users, 'appenate.users'),
      groups: tableFrom(s.groups ?? [], 'appenate.groups'),
      folders: tableFrom(s.folders ?? [], 'appenate.folders'),
      invitations: Array.isArray(s.invitations) ? (s.invitations as AppenateState['invitations']) : [],
    };
  },
  describe: (origin, c) => `appenate      ${origin}${ROOT}/user   CompanyId=${c.companyId} IntegrationKey=${c.integrationKey}`,
  client: (origin, c) => ({
    config: { type: 'appenate', baseUrl: `${origin}${ROOT}`, companyId: c.companyId, integrationKey: 'env:HRSYNC_SANDBOX_APPENATE_KEY' },
    env: { HRSYNC_SANDBOX_APPENATE_KEY: c.integrationKey },
  }),
  matches: (path) => /^\/api\/v2\/(user|usergroup|folder)(\/search)?$/i.test(path),
  endpoint: (req) => req.url.pathname.slice(ROOT.length + 1).toLowerCase(),
  handle(req, ctx) {
    const parsed = req.method === 'POST' || req.method === 'PUT' ? parseJson(req.body) : undefined;
    const body = isObject(parsed) ? parsed : undefined;
    const call: Call = {
      req, ctx, body,
      fail: (code, errorCode, message, errors = []) => json(ctx.settings.errorsInOk ? 200 : code, { ResponseStatus: status(errorCode, message, errors) }),
    };
    const { companyId, integrationKey } = ctx.credentials;
    if (param(req, 'CompanyId', body) !== companyId || param(req, 'IntegrationKey', body) !== integrationKey)
      return json(401, { ResponseStatus: status('Unauthorized', 'Invalid CompanyId or IntegrationKey.') }); // always a 401 [doc]
    const format = (param(req, 'format') ?? 'json').toLowerCase();
    if (format !== 'json') return call.fail(400, 'NotSupported', 'The sandbox answers format=json only.');
    const [resource = '', sub] = req.url.pathname.slice(ROOT.length + 1).toLowerCase().split('/');
    if (sub === 'search') {
      if (req.method !== 'GET') return call.fail(405, 'MethodNotAllowed', 'Use GET.');
      if (resource === 'user')
        return search(call, ctx.state.users, 'Users', { Name: fullNameHas, Email: equalsIgnoringCase('Email'), ExternalId: equals('ExternalId') });
      const table = resource === 'usergroup' ? ctx.state.groups : ctx.state.folders;
      const found = search(call, table, resource === 'usergroup' ? 'UserGroups' : 'Folders', { Name: nameHas('Name'), ExternalId: equals('ExternalId') });
      const list = (found.body as { UserGroups?: Row[] }).UserGroups;
      return list ? { ...found, body: { ...(found.body as object), UserGroups: list.map((g) => withMembers(g, ctx)) } } : found;
    }
    if (resource === 'user') return users(call);
    return named(call, resource === 'usergroup' ? 'usergroup' : 'folder');
  },
});
