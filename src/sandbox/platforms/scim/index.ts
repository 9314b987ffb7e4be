import { randomUUID } from 'node:crypto';
import { isObject, json, parseJson, str, type SandboxRequest, type SandboxResponse } from '../../http.js';
import type { Row } from '../../odata.js';
import { definePlatform, StateShapeError, type PlatformContext } from '../../platform.js';
import { Table, tableFrom } from '../../table.js';
import { FilterError, matches, parseFilter, type Filter } from './filter.js';
import { bulk } from './bulk.js';
import { applyPatch, PatchError } from './patch.js';
import { CORE_GROUP, CORE_USER, ENTERPRISE, resourceTypes, schemas } from './schemas.js';

/**
 * A SCIM 2.0 service provider (RFC 7643 schemas, RFC 7644 protocol) at /scim/v2: Users (core and
 * enterprise extension) and Groups, ServiceProviderConfig. Written from the RFCs, not from hrsync:
 * - lists page with startIndex (1-based) and count, capped silently at maxResults (§3.4.2.4 allows
 *   it; a small cap is the harder case for a client, so the default is 50 [guess]);
 * - filters: eq ne co sw ew gt ge lt le pr, and / or / not, value paths; anything else is 400
 *   invalidFilter. Sorting is not offered (sort.supported false);
 * - userName is required and unique ignoring case (409 uniqueness); addresses.country is an ISO
 *   3166-1 alpha-2 code (§4.1.2); a group's members must be users (400 invalidValue); a user's
 *   `groups` (optional, read only, §4.1.2) is left out unless settings.userGroups — the harder case
 *   for a client, which must then read membership from the groups;
 * - discovery (RFC 7644 §4): /ServiceProviderConfig, /Schemas and /ResourceTypes, which say what the
 *   settings make it: PATCH, filtering, maxResults, `groups` on users, the enterprise extension;
 * - `attributes` and `excludedAttributes` (§3.4.2.5) on every GET; with settings.groupMembers
 *   'request', a list of groups holds no members unless asked for (as providers that page or
 *   leave out large groups' members do) [guess];
 * - name.formatted and displayName are stored as sent, never derived (as some providers do);
 * - PUT replaces the whole resource; PATCH (add, replace, remove) only when settings.patch, else 501;
 * - POST /Bulk (§3.7, bulk.ts) only when settings.bulk (off by default, as many providers do not offer
 *   it), within bulkMaxOperations and bulkMaxPayloadSize (413 beyond), else 501;
 * - errors in the SCIM error schema, status as a string (§3.12); bearer token, else 401.
 */
const BASE = '/scim/v2';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SPC = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const TYPE = 'application/scim+json';

export interface ScimState {
  Users: Table;
  Groups: Table;
}

export interface ScimCredentials {
  token: string;
}

export interface ScimSettings {
  /** Whether PATCH is offered (and advertised in /ServiceProviderConfig). */
  patch: boolean;
  /** The most resources one list answer holds, whatever count asks for. */
  maxResults: number;
  /** Whether users carry their groups (read only; RFC 7643 §4.1.2 makes it optional). Default false. */
  userGroups: boolean;
  /** Whether filtering is offered; without it a `filter` is 501 (and /ServiceProviderConfig says so). */
  filter: boolean;
  /** Whether the enterprise User extension is offered; without it its attributes are refused (400). */
  enterprise: boolean;
  /** A list of groups: members as the RFC's 'default', or only when `attributes` asks for them ('request'). */
  groupMembers: 'default' | 'request';
  /** Whether POST /Bulk is offered (RFC 7644 §3.7) and advertised; without it /Bulk is 501. Default false. */
  bulk: boolean;
  /** The most operations one bulk request may hold (more: 413). */
  bulkMaxOperations: number;
  /** The largest bulk request body, in bytes (larger: 413). */
  bulkMaxPayloadSize: number;
}

type Ctx = PlatformContext<ScimState, ScimCredentials, ScimSettings>;
type Kind = 'Users' | 'Groups';

const answer = (status: number, body?: unknown, headers: Record<string, string> = {}): SandboxResponse =>
  body === undefined ? { status, headers } : json(status, body, { 'content-type': TYPE, ...headers });
const error = (status: number, detail: string, scimType?: string, headers: Record<string, string> = {}): SandboxResponse =>
  answer(status, { schemas: [ERROR], status: String(status), ...(scimType ? { scimType } : {}), detail }, headers);

type Endpoint = Kind | 'ServiceProviderConfig' | 'Schemas' | 'ResourceTypes' | 'Bulk';
const ENDPOINTS: ReadonlySet<string> = new Set(['Users', 'Groups', 'ServiceProviderConfig', 'Schemas', 'ResourceTypes', 'Bulk']);

function route(path: string): { kind: Endpoint | undefined; id: string | undefined } {
  const [name, id, extra] = path.slice(BASE.length + 1).split('/').map(decodeURIComponent);
  if (extra !== undefined) return { kind: undefined, id: undefined };
  return { kind: name && ENDPOINTS.has(name) ? (name as Endpoint) : undefined, id };
}

/**
 * RFC 7644 §3.4.2.5: `attributes` returns those (and id, schemas and meta, which are always returned);
 * `excludedAttributes` leaves those out. Top-level names, or sub-attributes of an extension
 * ("urn:…:User:manager"), case-insensitive.
 */
function project(row: Row, q: URLSearchParams, defaults: ReadonlySet<string> = new Set()): Row {
  const names = (key: string) => (q.get(key) ?? '').split(',').map((n) => n.trim().toLowerCase()).filter(Boolean);
  const only = names('attributes');
  const without = new Set([...names('excludedAttributes'), ...[...defaults].filter((d) => !only.includes(d))]);
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    const k = key.toLowerCase();
    if (['id', 'schemas', 'meta'].includes(k)) out[key] = value;
    else if (only.length ? only.some((o) => o === k || o.startsWith(`${k}.`) || o.startsWith(`${k}:`)) : !without.has(k)) out[key] = value;
  }
  return out;
}

/** A resource as served: its meta, and for a user the groups it is a member of (read only). */
function present(kind: Kind, row: Row, ctx: Ctx, origin: string): Row {
  const out: Row = { ...row, meta: { ...(row.meta as Row), location: `${origin}${BASE}/${kind}/${str(row.id)}` } };
  if (kind === 'Users' && ctx.settings.userGroups) {
    const groups = ctx.state.Groups.rows()
      .filter((g) => Array.isArray(g.members) && (g.members as Array<{ value?: unknown }>).some((m) => m.value === row.id))
      .map((g) => ({ value: g.id, display: g.displayName, $ref: `${origin}${BASE}/Groups/${str(g.id)}`, type: 'direct' }));
    if (groups.length) out.groups = groups;
  }
  return out;
}

/** RFC 7643 §4.1.1: a time zone "in the 'Olson' time zone database format", e.g. America/Los_Angeles (an offset is not one). */
function olsonZone(value: unknown): boolean {
  if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value) || /^(UTC|GMT)?[+-]/i.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** Checks a user or group as it would be stored; the first problem, or undefined. */
function invalid(kind: Kind, row: Row, ctx: Ctx, selfId: string | undefined): SandboxResponse | undefined {
  const schemas = Array.isArray(row.schemas) ? (row.schemas as unknown[]).map(String) : [];
  if (!schemas.includes(kind === 'Users' ? CORE_USER : CORE_GROUP)) return error(400, `schemas must include ${kind === 'Users' ? CORE_USER : CORE_GROUP}`, 'invalidSyntax');
  if (kind === 'Groups') {
    if (!str(row.displayName).trim()) return error(400, "Required attribute 'displayName' is missing", 'invalidValue');
    for (const member of Array.isArray(row.members) ? (row.members as Array<{ value?: unknown }>) : [])
      if (!ctx.state.Users.has(str(member.value))) return error(400, `Group member '${str(member.value)}' is not a known User id`, 'invalidValue');
    return undefined;
  }
  const userName = str(row.userName).trim();
  if (!userName) return error(400, "Required attribute 'userName' is missing", 'invalidValue');
  const holder = ctx.state.Users.findBy('userName', userName, (v) => str(v).trim().toLowerCase());
  if (holder && holder.id !== selfId) return error(409, `userName '${userName}' is already in use`, 'uniqueness');
  if (row.active !== undefined && typeof row.active !== 'boolean') return error(400, "Attribute 'active' must be a boolean", 'invalidValue');
  if (!ctx.settings.enterprise && (row[ENTERPRISE] !== undefined || schemas.includes(ENTERPRISE))) return error(400, `This service provider does not offer the schema ${ENTERPRISE}`, 'invalidValue');
  if (row.timezone !== undefined && !olsonZone(row.timezone)) return error(400, `Attribute 'timezone' '${str(row.timezone)}' is not a time zone in the 'Olson' format (RFC 7643 §4.1.1)`, 'invalidValue');
  if (row.emails !== undefined && !Array.isArray(row.emails)) return error(400, "Attribute 'emails' must be multi-valued", 'invalidValue');
  for (const address of Array.isArray(row.addresses) ? (row.addresses as Array<{ country?: unknown }>) : [])
    if (address.country !== undefined && !/^[A-Z]{2}$/.test(str(address.country))) return error(400, `addresses.country '${str(address.country)}' is not an ISO 3166-1 alpha-2 code`, 'invalidValue');
  return undefined;
}

/** What a client may set: everything but id, meta and (on users) groups; members keep only their value. */
function writable(kind: Kind, body: Row): Row {
  const out: Row = { ...body };
  delete out.id;
  delete out.meta;
  if (kind === 'Users') delete out.groups;
  if (kind === 'Groups' && Array.isArray(out.members)) out.members = (out.members as Array<{ value?: unknown }>).map((m) => ({ value: m.value }));
  return out;
}

function list(kind: Kind, req: SandboxRequest, ctx: Ctx, origin: string): SandboxResponse {
  const q = req.url.searchParams;
  let filter: Filter | undefined;
  const text = q.get('filter');
  if (text && !ctx.settings.filter) return error(501, 'Filtering is not supported by this service provider');
  if (text) {
    try {
      filter = parseFilter(text);
    } catch (e) {
      return error(400, `The filter is not valid: ${(e as FilterError).message}`, 'invalidFilter');
    }
  }
  const start = Math.max(1, Number.parseInt(q.get('startIndex') ?? '1', 10) || 1);
  const asked = q.has('count') ? Number.parseInt(q.get('count')!, 10) : ctx.settings.maxResults;
  if (!Number.isInteger(asked) || asked < 0) return error(400, 'count must be a whole number, 0 or more', 'invalidValue');
  const count = Math.min(asked, ctx.settings.maxResults);
  const table = ctx.state[kind];
  const all = filter ? table.rows().map((r) => present(kind, r, ctx, origin)).filter((r) => matches(filter!, r)) : table.rows();
  const hidden = kind === 'Groups' && ctx.settings.groupMembers === 'request' ? new Set(['members']) : undefined;
  const page = all.slice(start - 1, start - 1 + count).map((r) => project(filter ? r : present(kind, r, ctx, origin), q, hidden));
  return answer(200, { schemas: [LIST], totalResults: all.length, startIndex: start, itemsPerPage: page.length, Resources: page });
}

function write(kind: Kind, id: string | undefined, req: SandboxRequest, ctx: Ctx, origin: string): SandboxResponse {
  const table = ctx.state[kind];
  const now = new Date(ctx.now()).toISOString();
  if (req.method === 'DELETE') {
    if (!id || !table.has(id)) return error(404, `Resource ${id ?? ''} not found`);
    table.delete(id);
    if (kind === 'Users')
      for (const group of ctx.state.Groups.rows())
        if (Array.isArray(group.members) && (group.members as Array<{ value?: unknown }>).some((m) => m.value === id))
          ctx.state.Groups.set(str(group.id), { ...group, members: (group.members as Array<{ value?: unknown }>).filter((m) => m.value !== id) });
    return { status: 204, wrote: true };
  }
  const type = str(req.headers['content-type']).split(';')[0]!.trim().toLowerCase();
  if (type !== TYPE && type !== 'application/json') return error(400, `Send ${TYPE} (or application/json), not "${type}"`, 'invalidSyntax');
  const body = parseJson(req.body);
  if (!isObject(body)) return error(400, 'The request body must be a JSON object', 'invalidSyntax');
  if (req.method === 'POST') {
    if (id) return error(404, 'POST goes to the resource type, not to one resource');
    const row: Row = { ...writable(kind, body), id: randomUUID(), meta: { resourceType: kind === 'Users' ? 'User' : 'Group', created: now, lastModified: now } };
    const problem = invalid(kind, row, ctx, undefined);
    if (problem) return problem;
    table.set(str(row.id), row);
    const shown = present(kind, row, ctx, origin);
    return { ...answer(201, shown, { location: str((shown.meta as Row).location) }), wrote: true };
  }
  if (!id) return error(404, `${req.method} goes to one resource`);
  const current = table.get(id);
  if (!current) return error(404, `Resource ${id} not found`);
  let next: Row;
  if (req.method === 'PUT') next = { ...writable(kind, body), id, meta: { ...(current.meta as Row), lastModified: now } };
  else if (req.method === 'PATCH') {
    if (!ctx.settings.patch) return error(501, 'PATCH is not supported by this service provider');
    const schemas = Array.isArray(body.schemas) ? (body.schemas as unknown[]).map(String) : [];
    if (!schemas.includes(PATCH_OP)) return error(400, `a PATCH body's schemas must include ${PATCH_OP}`, 'invalidSyntax');
    try {
      next = { ...writable(kind, applyPatch(current, body, kind === 'Users' ? [ENTERPRISE] : [])), id, meta: { ...(current.meta as Row), lastModified: now } };
    } catch (e) {
      if (e instanceof PatchError) return error(400, e.message, e.scimType);
      throw e;
    }
  } else return error(404, `${req.method} is not served here`);
  const problem = invalid(kind, next, ctx, id);
  if (problem) return problem;
  table.set(id, next);
  return { ...answer(200, present(kind, next, ctx, origin)), wrote: true };
}

/** POST /Bulk: each operation handled by the single endpoints' own code (bulk.ts). */
function bulkRequest(req: SandboxRequest, ctx: Ctx, origin: string): SandboxResponse {
  if (!ctx.settings.bulk) return error(501, 'Bulk is not supported by this service provider');
  if (req.method !== 'POST') return error(405, 'Bulk takes POST');
  const one = (method: string, path: string, data: unknown): SandboxResponse => {
    const url = new URL(`${BASE}${path}`, 'http://sandbox');
    const { kind, id } = route(url.pathname);
    if (kind !== 'Users' && kind !== 'Groups') return error(404, `${path} is not a User or Group path`, 'invalidPath');
    const response = write(kind, id, { method, url, headers: { ...req.headers, 'content-type': TYPE }, body: data === undefined ? '' : JSON.stringify(data) }, ctx, origin);
    // A DELETE answers no body: its operation's location is the resource it removed.
    return method === 'DELETE' && response.status === 204 ? { ...response, headers: { location: `${origin}${BASE}/${kind}/${id ?? ''}` } } : response;
  };
  return bulk(req.body, { maxOperations: ctx.settings.bulkMaxOperations, maxPayloadSize: ctx.settings.bulkMaxPayloadSize }, one, error);
}

function serviceProviderConfig(ctx: Ctx): SandboxResponse {
  return answer(200, {
    schemas: [SPC],
    patch: { supported: ctx.settings.patch },
    bulk: ctx.settings.bulk ? { supported: true, maxOperations: ctx.settings.bulkMaxOperations, maxPayloadSize: ctx.settings.bulkMaxPayloadSize } : { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: ctx.settings.filter, maxResults: ctx.settings.maxResults },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'Authentication with a bearer token', primary: true }],
  });
}

/** GET /Schemas, /ResourceTypes (ListResponses, §4) or one of them by id. */
function discovery(kind: 'Schemas' | 'ResourceTypes', id: string | undefined, ctx: Ctx, root: string): SandboxResponse {
  const shape = { userGroups: ctx.settings.userGroups, enterprise: ctx.settings.enterprise };
  const all = kind === 'Schemas' ? schemas(shape, root) : resourceTypes(shape, root);
  if (id !== undefined) {
    const one = all.find((d) => d.id === id);
    return one ? answer(200, one) : error(404, `${kind}/${id} not found`);
  }
  return answer(200, { schemas: [LIST], totalResults: all.length, startIndex: 1, itemsPerPage: all.length, Resources: all });
}

const tables = (saved: unknown): ScimState => {
  if (saved === null || typeof saved !== 'object') throw new StateShapeError('scim is not an object');
  const s = saved as Record<string, unknown>;
  return { Users: tableFrom(s.Users, 'scim.Users'), Groups: tableFrom(s.Groups, 'scim.Groups') };
};

export const scim = definePlatform({
  name: 'scim',
  summary: 'SCIM 2.0 service provider (RFC 7643/7644): Users (with the enterprise extension), Groups, ServiceProviderConfig, Schemas, ResourceTypes',
  basePath: BASE,
  matches: (path) => path === BASE || path.startsWith(`${BASE}/`),
  endpoint: (req) => route(req.url.pathname).kind ?? 'unknown',
  flags: {},
  credentials: ({ key, given }): ScimCredentials => ({ token: key ?? 'sandbox-key', ...(given as Partial<ScimCredentials> | undefined) }),
  defaultSettings: { patch: true, maxResults: 50, userGroups: false, filter: true, enterprise: true, groupMembers: 'default', bulk: false, bulkMaxOperations: 1000, bulkMaxPayloadSize: 1_048_576 } as ScimSettings,
  createState: (): ScimState => ({ Users: new Table(), Groups: new Table() }),
  saveState: (state) => ({ Users: state.Users, Groups: state.Groups }),
  loadState: (saved) => tables(saved),
  describe: (origin, c) => `scim          ${origin}${BASE}   Authorization: Bearer ${c.token}`,
  client: (origin, c) => ({
    config: { type: 'scim', baseUrl: `${origin}${BASE}`, token: 'env:HRSYNC_SANDBOX_SCIM_TOKEN' },
    env: { HRSYNC_SANDBOX_SCIM_TOKEN: c.token },
  }),
  handle(req, ctx) {
    if (str(req.headers.authorization) !== `Bearer ${ctx.credentials.token}`) return error(401, 'Invalid or missing bearer token', undefined, { 'www-authenticate': 'Bearer realm="scim"' });
    const origin = `http://${str(req.headers.host) || 'sandbox'}`;
    const { kind, id } = route(req.url.pathname);
    if (!kind) return error(404, 'Endpoint not found');
    if (kind === 'ServiceProviderConfig') return req.method === 'GET' ? serviceProviderConfig(ctx) : error(404, 'ServiceProviderConfig is read only');
    if (kind === 'Schemas' || kind === 'ResourceTypes') return req.method === 'GET' ? discovery(kind, id, ctx, `${origin}${BASE}`) : error(404, `${kind} is read only`);
    if (kind === 'Bulk') return bulkRequest(req, ctx, origin);
    if (req.method === 'GET') {
      if (id === undefined) return list(kind, req, ctx, origin);
      const row = ctx.state[kind].get(id);
      return row ? answer(200, project(present(kind, row, ctx, origin), req.url.searchParams)) : error(404, `Resource ${id} not found`);
    }
    return write(kind, id, req, ctx, origin);
  },
});
