import { randomUUID } from 'node:crypto';
import { isObject, json, parseJson, pickFields, SERVER_EMAIL, str, type SandboxRequest, type SandboxResponse } from '../http.js';
import type { Row } from '../odata.js';
import { definePlatform, type PlatformContext } from '../platform.js';
import { Table, tableFrom } from '../table.js';

/**
 * Appenate users API v2 (platforms.md §2). [guess] marks what the vendor does not document: listing
 * everyone with an empty Name=, the search envelope, PUT for updates, e-mail uniqueness.
 */
const BASE = '/api/v2/user';
const MAX_PAGE = 250;
/** WebsiteRole values the brands' POST User pages name [doc: eFormsMobile "POST User", seed 002]. */
const ROLES = new Set(['ReadOnly', 'User', 'Admin', 'EnterpriseAdmin', 'VendorAdmin', 'SuperAdmin']);

export interface AppenateState {
  users: Table;
}

export interface AppenateCredentials {
  companyId: string;
  integrationKey: string;
}

type Ctx = PlatformContext<AppenateState, AppenateCredentials, Record<string, never>>;
const WRITABLE = ['ExternalId', 'FirstName', 'LastName', 'Email', 'WebsiteRole', 'Folders', 'Groups', 'Country', 'TimeZone', 'Type', 'Status'];

const status = (errorCode?: string, message?: string, errors: Array<{ ErrorCode: string; FieldName: string; Message: string }> = []) =>
  errorCode ? { ErrorCode: errorCode, Message: message ?? errorCode, StackTrace: null, Errors: errors } : { Errors: [] };
const failure = (code: number, errorCode: string, message: string, errors: Array<{ ErrorCode: string; FieldName: string; Message: string }> = []): SandboxResponse =>
  json(code, { ResponseStatus: status(errorCode, message, errors) });

const lower = (v: unknown) => str(v).toLowerCase();

/** Query parameters compare ignoring case (ServiceStack binds them that way). */
function param(req: SandboxRequest, name: string, body?: Record<string, unknown>): string | undefined {
  for (const [k, v] of req.url.searchParams) if (k.toLowerCase() === name.toLowerCase()) return v;
  if (body) for (const [k, v] of Object.entries(body)) if (k.toLowerCase() === name.toLowerCase()) return str(v);
  return undefined;
}

function validate(row: Row, ctx: Ctx, selfId: string | undefined) {
  const errors: Array<{ ErrorCode: string; FieldName: string; Message: string }> = [];
  for (const field of ['FirstName', 'LastName', 'Email'])
    if (!str(row[field]).trim()) errors.push({ ErrorCode: 'NotEmpty', FieldName: field, Message: `'${field}' should not be empty.` });
  const email = str(row.Email);
  if (email && !SERVER_EMAIL.test(email)) errors.push({ ErrorCode: 'Email', FieldName: 'Email', Message: `'Email' is not a valid email address.` });
  const holder = email ? ctx.state.users.findBy('Email', email, lower) : undefined;
  if (holder && holder.Id !== selfId)
    errors.push({ ErrorCode: 'Unique', FieldName: 'Email', Message: `A user with email '${email}' already exists.` }); // [guess]
  if (str(row.WebsiteRole) && !ROLES.has(str(row.WebsiteRole)))
    errors.push({ ErrorCode: 'Enum', FieldName: 'WebsiteRole', Message: `'${str(row.WebsiteRole)}' is not a valid WebsiteRole.` });
  return errors;
}


function search(req: SandboxRequest, ctx: Ctx): SandboxResponse {
  const name = param(req, 'Name');
  const email = param(req, 'Email');
  const externalId = param(req, 'ExternalId');
  if (name === undefined && email === undefined && externalId === undefined)
    return failure(400, 'ArgumentException', 'At least one of Name, Email or ExternalId is required.');
  const pageNo = Number(param(req, 'PageNo') ?? 0);
  const pageSize = Number(param(req, 'PageSize') ?? 50);
  if (!Number.isInteger(pageNo) || pageNo < 0) return failure(400, 'ArgumentException', 'PageNo must be 0 or more.');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE) return failure(400, 'ArgumentException', `PageSize must be between 1 and ${MAX_PAGE}.`);
  const wanted = param(req, 'Status');
  const all = ctx.state.users.rows();
  // [guess] an empty Name= matches every user; filters compare ignoring case, Name as a substring.
  const hits = name === '' && email === undefined && externalId === undefined && !wanted ? all : all.filter((u) => {
    const full = `${str(u.FirstName)} ${str(u.LastName)}`.toLowerCase();
    return (
      (name === undefined || full.includes(name.toLowerCase())) &&
      (email === undefined || str(u.Email).toLowerCase() === email.toLowerCase()) &&
      (externalId === undefined || str(u.ExternalId) === externalId) &&
      (!wanted || str(u.Status).toLowerCase() === wanted.toLowerCase())
    );
  });
  const page = hits.slice(pageNo * pageSize, pageNo * pageSize + pageSize);
  return json(200, { Users: page, TotalRows: hits.length, PageNo: pageNo, PageSize: pageSize, ResponseStatus: status() });
}

function findOne(req: SandboxRequest, ctx: Ctx): Row | undefined | 'missing-key' {
  const users = ctx.state.users;
  const id = param(req, 'Id');
  if (id) return users.get(id);
  const email = param(req, 'Email');
  if (email) return users.findBy('Email', email, lower);
  const externalId = param(req, 'ExternalId');
  if (externalId) return users.findBy('ExternalId', externalId);
  return 'missing-key';
}

export const appenate = definePlatform({
  name: 'appenate',
  summary: 'Appenate users API v2: user (GET by Id, Email or ExternalId; POST, PUT, DELETE) and user/search, errors in a ServiceStack ResponseStatus',
  basePath: BASE.slice(0, -'/user'.length),
  flags: {
    companyId: { flags: '--company-id <id>', description: 'Appenate CompanyId', defaultValue: '1' },
  },
  credentials: ({ key, flags = {}, given }): AppenateCredentials => ({
    companyId: typeof flags.companyId === 'string' ? flags.companyId : '1',
    integrationKey: key ?? 'sandbox-key',
    ...(given as Partial<AppenateCredentials> | undefined),
  }),
  defaultSettings: {},
  createState: (): AppenateState => ({ users: new Table() }),
  saveState: (state) => ({ users: state.users.entries() }),
  loadState: (saved): AppenateState => ({ users: tableFrom((saved as { users?: unknown } | null)?.users, 'appenate.users') }),
  describe: (origin, c) => `appenate      ${origin}${BASE}   CompanyId=${c.companyId} IntegrationKey=${c.integrationKey}`,
  client: (origin, c) => ({
    config: { type: 'appenate', baseUrl: `${origin}${BASE.slice(0, -'/user'.length)}`, companyId: c.companyId, integrationKey: 'env:HRSYNC_SANDBOX_APPENATE_KEY' },
    env: { HRSYNC_SANDBOX_APPENATE_KEY: c.integrationKey },
  }),
  matches: (path) => path === BASE || path.startsWith(`${BASE}/`),
  endpoint: (req) => (req.url.pathname.toLowerCase().endsWith('/search') ? 'user/search' : 'user'),
  handle(req, ctx) {
    const body = req.method === 'POST' || req.method === 'PUT' ? parseJson(req.body) : undefined;
    const bodyObject = isObject(body) ? body : undefined;
    const { companyId, integrationKey } = ctx.credentials;
    if (param(req, 'CompanyId', bodyObject) !== companyId || param(req, 'IntegrationKey', bodyObject) !== integrationKey)
      return failure(401, 'Unauthorized', 'Invalid CompanyId or IntegrationKey.');
    const format = (param(req, 'format') ?? 'json').toLowerCase();
    if (format !== 'json') return failure(400, 'NotSupported', 'The sandbox answers format=json only.');
    const users = ctx.state.users;
    const path = req.url.pathname.toLowerCase();
    if (path.endsWith('/search')) return req.method === 'GET' ? search(req, ctx) : failure(405, 'MethodNotAllowed', 'Use GET.');
    if (path !== BASE.toLowerCase()) return failure(404, 'NotFound', 'Unknown route.');
    if (req.method === 'GET') {
      const user = findOne(req, ctx);
      if (user === 'missing-key') return failure(400, 'ArgumentException', 'One of Id, Email or ExternalId is required.');
      return user ? json(200, { User: user, ResponseStatus: status() }) : failure(404, 'NotFound', 'User not found.');
    }
    if (req.method === 'DELETE') {
      const id = param(req, 'Id');
      if (!id || !users.has(id)) return failure(404, 'NotFound', 'User not found.');
      users.delete(id);
      return { ...json(200, { ResponseStatus: status() }), wrote: true };
    }
    if (!bodyObject) return failure(400, 'SerializationException', 'The request body must be a JSON object.');
    const fields: Row = pickFields(bodyObject, WRITABLE);
    if (req.method === 'PUT') {
      const id = param(req, 'Id', bodyObject);
      const current = id ? users.get(id) : undefined;
      if (!current) return failure(404, 'NotFound', 'User not found.');
      const next = { ...current, ...fields };
      const errors = validate(next, ctx, str(current.Id));
      if (errors.length) return failure(400, 'ValidationException', errors[0]!.Message, errors);
      users.set(str(current.Id), next);
      return { ...json(200, { User: next, ResponseStatus: status() }), wrote: true };
    }
    if (req.method !== 'POST') return failure(405, 'MethodNotAllowed', 'Method not allowed.');
    const row: Row = {
      Id: randomUUID(), CompanyId: Number(companyId), ExternalId: null, FirstName: null, LastName: null, Email: null,
      LastActivity: null, Folders: [], Groups: [], WebsiteRole: 'User', UserDevices: [], ...fields, Status: 'Invited',
    };
    const errors = validate(row, ctx, undefined);
    if (errors.length) return failure(400, 'ValidationException', errors[0]!.Message, errors);
    users.set(str(row.Id), row);
    return { ...json(200, { User: row, ResponseStatus: status() }), wrote: true };
  },
});
