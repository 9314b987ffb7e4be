import { json, type SandboxRequest, type SandboxResponse } from '../../http.js';
import { fieldOf, type Row } from '../../odata.js';
import { definePlatform, StateShapeError, type PlatformContext } from '../../platform.js';
import { Table, tableFrom, tablesFrom, tablesJson } from '../../table.js';
import { generateEmployees } from './employees.js';
import { COMPANIES, GROUPS } from './organisation.js';

/**
 * Unified.to HRIS (platforms.md §4, §5): employees, companies and groups, read only — a source. The
 * official SDK sends the API key as the whole Authorization header; curl users send "Bearer KEY":
 * both are accepted. The three lists share limit, offset, updated_gte, sort, order, query and fields
 * (exploded, `fields=a&fields=b`, as the SDK's encodeFormQuery sends them, or comma-joined), each
 * with its own filters (the SDK's list operations).
 */
const PATH = /^\/hris\/([^/]+)\/(employee|company|group)(?:\/([^/]+))?$/;
/**
 * "At most 100 records per page on most endpoints" (docs.unified.to pagination, platforms.md §5): a
 * larger `limit` is answered with 100 records, silently [guess: no error is documented], so a client
 * that takes "fewer than limit" for the last page after asking more stops early.
 */
const MAX_PAGE = 100;

const RESOURCES = ['employee', 'company', 'group'] as const;
type Resource = (typeof RESOURCES)[number];

/** One connection's records: its employees, and the HR system's companies and groups they name. */
export type UnifiedConnection = Record<Resource, Table>;

/** Connection id → its records. */
export type UnifiedState = Map<string, UnifiedConnection>;

export interface UnifiedCredentials {
  connectionId: string;
  apiKey: string;
}

export interface UnifiedSettings {
  /** How many employees a new connection starts with (generated, seeded: the same every time). */
  employees: number;
  /**
   * "Not all integrations support all of the pagination parameters" [doc], on every list:
   * `ignore-offset` answers the first page whatever the offset; `overlap` starts every page one
   * record early (an offset that drifts), so a record comes twice.
   */
  paging: 'exact' | 'ignore-offset' | 'overlap';
}

type Ctx = PlatformContext<UnifiedState, UnifiedCredentials, UnifiedSettings>;

function authorised(req: SandboxRequest, ctx: Ctx): boolean {
  const header = (req.headers.authorization ?? '').trim();
  const key = header.replace(/^Bearer\s+/i, '');
  return key === ctx.credentials.apiKey;
}

const NOUN: Record<Resource, string> = { employee: 'Employee', company: 'Company', group: 'Group' };

/** Each list's own filters (the SDK's ListHrisEmployees/Companies/GroupsRequest), beyond updated_gte and query. */
const FILTERS: Record<Resource, (q: URLSearchParams) => Array<(row: Row) => boolean>> = {
  employee: (q) => [
    ...(q.get('company_id') ? [(e: Row) => e.company_id === q.get('company_id')] : []),
    ...(q.get('group_id') ? [(e: Row) => Array.isArray(e.groups) && e.groups.some((g) => (g as Row | null)?.id === q.get('group_id'))] : []),
  ],
  company: () => [],
  group: (q) => [
    ...(q.get('company_id') ? [(g: Row) => g.company_id === q.get('company_id')] : []),
    ...(q.get('type') ? [(g: Row) => g.type === q.get('type')] : []),
  ],
};

/** What `query` searches: an employee's name and emails, a company's names, a group's name. */
const SEARCHED: Record<Resource, (row: Row) => string> = {
  employee: (e) => `${String(e.name ?? '')} ${JSON.stringify(e.emails ?? [])}`,
  company: (c) => `${String(c.name ?? '')} ${String(c.legal_name ?? '')}`,
  group: (g) => String(g.name ?? ''),
};

/** `fields=a&fields=b` (the SDK) or `fields=a,b`: the fields asked for, or undefined for all. */
function fieldsOf(q: URLSearchParams): string[] | undefined {
  const fields = q.getAll('fields').flatMap((v) => v.split(',')).map((f) => f.trim()).filter(Boolean);
  return fields.length ? fields : undefined;
}

function list(resource: Resource, rows: Table, q: URLSearchParams, ctx: Ctx): SandboxResponse {
  const limit = q.has('limit') ? Number(q.get('limit')) : 100;
  const offset = q.has('offset') ? Number(q.get('offset')) : 0;
  if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0)
    return json(400, { message: 'limit must be 1 or more and offset 0 or more', status: 400 });
  const since = q.get('updated_gte');
  const sinceMs = since ? Date.parse(since) : undefined;
  if (since && Number.isNaN(sinceMs)) return json(400, { message: 'updated_gte must be an ISO-8601 date', status: 400 });
  const sort = q.get('sort') ?? 'created_at';
  if (!['name', 'updated_at', 'created_at'].includes(sort)) return json(400, { message: 'sort must be name, updated_at or created_at', status: 400 });
  const desc = (q.get('order') ?? 'asc').toLowerCase() === 'desc';
  const text = q.get('query')?.toLowerCase();
  const filters = FILTERS[resource](q);
  const key = `${since ?? ''}|${sort}|${desc}|${text ?? ''}|${['company_id', 'group_id', 'type'].map((p) => q.get(p) ?? '').join('|')}`;
  const view = rows.view(key, (all) => {
    const hits = all.filter(
      (row) =>
        (sinceMs === undefined || Date.parse(String(row.updated_at)) >= sinceMs) &&
        filters.every((f) => f(row)) &&
        (!text || SEARCHED[resource](row).toLowerCase().includes(text)),
    );
    return hits.sort((a, b) => {
      const x = String(a[sort] ?? '');
      const y = String(b[sort] ?? '');
      return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
    });
  });
  const fields = fieldsOf(q);
  const from = ctx.settings.paging === 'ignore-offset' ? 0 : ctx.settings.paging === 'overlap' ? Math.max(0, offset - 1) : offset;
  const page = view.slice(from, from + Math.min(limit, MAX_PAGE)).map((row) => (fields ? Object.fromEntries(['id', ...fields].map((f) => [f, fieldOf(row, f)]).filter(([, v]) => v !== undefined)) : row)) as Row[];
  return json(200, page);
}

/** A new connection: the HR system's companies and groups, and generated employees naming them. */
function connection(employees: number): UnifiedConnection {
  const table = (rows: readonly Row[]) => new Table(rows.map((r): [string, Row] => [String(r.id), r]));
  return { employee: table(generateEmployees(employees)), company: table(COMPANIES), group: table(GROUPS) };
}

export const unified = definePlatform({
  name: 'unified',
  summary: 'Unified.to HRIS: GET /hris/{connection}/employee, /company and /group (limit, offset, updated_gte, sort, order, query, fields; company_id, group_id, type) and by id; read only',
  basePath: '',
  flags: {
    connection: { flags: '--connection <id>', description: 'Unified connection id', defaultValue: 'sandbox' },
  },
  credentials: ({ key, flags = {}, given }): UnifiedCredentials => ({
    connectionId: typeof flags.connection === 'string' ? flags.connection : 'sandbox',
    apiKey: key ?? 'sandbox-key',
    ...(given as Partial<UnifiedCredentials> | undefined),
  }),
  defaultSettings: { employees: 300, paging: 'exact' } as UnifiedSettings,
  /** A new connection holds generated employees with the mess of real HR data, and their companies and groups. */
  createState: (c: UnifiedCredentials, settings: UnifiedSettings): UnifiedState => new Map([[c.connectionId, connection(settings.employees)]]),
  saveState: (state) => Object.fromEntries([...state].map(([id, tables]) => [id, tablesJson(new Map(Object.entries(tables)))])),
  loadState: (saved) => {
    if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) throw new StateShapeError('unified is not an object');
    return new Map(
      Object.entries(saved).map(([id, value]): [string, UnifiedConnection] => {
        // Saved before companies and groups were emulated: the employees alone; the rest starts fresh.
        if (Array.isArray(value)) return [id, { ...connection(0), employee: tableFrom(value, `unified.${id}`) }];
        const tables = tablesFrom(value, `unified.${id}`);
        const missing = RESOURCES.find((r) => !tables.has(r));
        if (missing) throw new StateShapeError(`unified.${id} has no ${missing} table`);
        return [id, { employee: tables.get('employee')!, company: tables.get('company')!, group: tables.get('group')! }];
      }),
    );
  },
  describe: (origin, c) => `unified       ${origin}/hris/${c.connectionId}/employee (and /company, /group)   Authorization: Bearer ${c.apiKey}`,
  client: (origin, c) => ({
    config: { type: 'unified', baseUrl: origin, connectionId: c.connectionId, apiKey: 'env:HRSYNC_SANDBOX_UNIFIED_KEY' },
    env: { HRSYNC_SANDBOX_UNIFIED_KEY: c.apiKey },
  }),
  matches: (path) => PATH.test(path),
  endpoint: (req) => {
    const [, , resource, id] = PATH.exec(req.url.pathname)!;
    return id ? `${resource}/{id}` : resource!;
  },
  handle(req, ctx) {
    if (!authorised(req, ctx)) return json(401, { message: 'Unauthorized', status: 401 });
    const [, connectionId, resource, id] = PATH.exec(req.url.pathname)! as unknown as [string, string, Resource, string | undefined];
    const tables = ctx.state.get(decodeURIComponent(connectionId));
    if (!tables) return json(404, { message: `Connection ${connectionId} not found`, status: 404 });
    if (req.method !== 'GET') return json(405, { message: 'The sandbox serves the HRIS read-only', status: 405 });
    if (id) {
      const row = tables[resource].get(decodeURIComponent(id));
      return row ? json(200, row) : json(404, { message: `${NOUN[resource]} not found`, status: 404 });
    }
    return list(resource, tables[resource], req.url.searchParams, ctx);
  },
});
