import { json, type SandboxRequest } from '../../http.js';
import { fieldOf, type Row } from '../../odata.js';
import { definePlatform, type PlatformContext } from '../../platform.js';
import { Table, tablesFrom, tablesJson } from '../../table.js';
import { generateEmployees } from './employees.js';

/**
 * Unified.to HRIS employees (platforms.md §4): a read-only source. The official SDK sends the API
 * key as the whole Authorization header; curl users send "Bearer KEY": both are accepted.
 */
const PATH = /^\/hris\/([^/]+)\/employee(?:\/([^/]+))?$/;
const MAX_LIMIT = 1000; // [guess]

/** Connection id → its employees. */
export type UnifiedState = Map<string, Table>;

export interface UnifiedCredentials {
  connectionId: string;
  apiKey: string;
}

export interface UnifiedSettings {
  /** How many employees a new connection starts with (generated, seeded: the same every time). */
  employees: number;
  /**
   * "Not all integrations support all of the pagination parameters" [doc]: `ignore-offset` answers the
   * first page whatever the offset; `overlap` starts every page one record early (an offset that
   * drifts), so a record comes twice.
   */
  paging: 'exact' | 'ignore-offset' | 'overlap';
}

type Ctx = PlatformContext<UnifiedState, UnifiedCredentials, UnifiedSettings>;

function authorised(req: SandboxRequest, ctx: Ctx): boolean {
  const header = (req.headers.authorization ?? '').trim();
  const key = header.replace(/^Bearer\s+/i, '');
  return key === ctx.credentials.apiKey;
}

export const unified = definePlatform({
  name: 'unified',
  summary: 'Unified.to HRIS: GET /hris/{connection}/employee (limit, offset, updated_gte, sort, order, query, company_id, fields) and by id; read only',
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
  /** A new connection holds generated employees with the mess of real HR data. */
  createState: (c: UnifiedCredentials, settings: UnifiedSettings): UnifiedState => new Map([[c.connectionId, new Table(generateEmployees(settings.employees).map((e): [string, Row] => [String(e.id), e]))]]),
  saveState: (state) => tablesJson(state),
  loadState: (saved) => tablesFrom(saved, 'unified'),
  describe: (origin, c) => `unified       ${origin}/hris/${c.connectionId}/employee   Authorization: Bearer ${c.apiKey}`,
  client: (origin, c) => ({
    config: { type: 'unified', baseUrl: origin, connectionId: c.connectionId, apiKey: 'env:HRSYNC_SANDBOX_UNIFIED_KEY' },
    env: { HRSYNC_SANDBOX_UNIFIED_KEY: c.apiKey },
  }),
  matches: (path) => PATH.test(path),
  endpoint: (req) => (PATH.exec(req.url.pathname)?.[2] ? 'employee/{id}' : 'employee'),
  handle(req, ctx) {
    if (!authorised(req, ctx)) return json(401, { message: 'Unauthorized', status: 401 });
    const [, connection, id] = PATH.exec(req.url.pathname)!;
    const employees = ctx.state.get(decodeURIComponent(connection!));
    if (!employees) return json(404, { message: `Connection ${connection} not found`, status: 404 });
    if (req.method !== 'GET') return json(405, { message: 'The sandbox serves employees read-only', status: 405 });
    if (id) {
      const row = employees.get(decodeURIComponent(id));
      return row ? json(200, row) : json(404, { message: 'Employee not found', status: 404 });
    }
    const q = req.url.searchParams;
    const limit = q.has('limit') ? Number(q.get('limit')) : 100;
    const offset = q.has('offset') ? Number(q.get('offset')) : 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT || !Number.isInteger(offset) || offset < 0)
      return json(400, { message: `limit must be 1 to ${MAX_LIMIT} and offset 0 or more`, status: 400 });
    const since = q.get('updated_gte');
    const sinceMs = since ? Date.parse(since) : undefined;
    if (since && Number.isNaN(sinceMs)) return json(400, { message: 'updated_gte must be an ISO-8601 date', status: 400 });
    const sort = q.get('sort') ?? 'created_at';
    if (!['name', 'updated_at', 'created_at'].includes(sort)) return json(400, { message: 'sort must be name, updated_at or created_at', status: 400 });
    const desc = (q.get('order') ?? 'asc').toLowerCase() === 'desc';
    const text = q.get('query')?.toLowerCase();
    const companyId = q.get('company_id');
    const key = `${since ?? ''}|${sort}|${desc}|${text ?? ''}|${companyId ?? ''}`;
    const rows = employees.view(key, (all) => {
      const hits = all.filter(
        (e) =>
          (sinceMs === undefined || Date.parse(String(e.updated_at)) >= sinceMs) &&
          (!companyId || e.company_id === companyId) &&
          (!text || `${String(e.name ?? '')} ${JSON.stringify(e.emails ?? [])}`.toLowerCase().includes(text)),
      );
      return hits.sort((a, b) => {
        const x = String(a[sort] ?? '');
        const y = String(b[sort] ?? '');
        return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
      });
    });
    const fields = q.get('fields')?.split(',').map((f) => f.trim()).filter(Boolean);
    const from = ctx.settings.paging === 'ignore-offset' ? 0 : ctx.settings.paging === 'overlap' ? Math.max(0, offset - 1) : offset;
    const page = rows.slice(from, from + limit).map((row) => (fields ? Object.fromEntries(['id', ...fields].map((f) => [f, fieldOf(row, f)]).filter(([, v]) => v !== undefined)) : row)) as Row[];
    return json(200, page);
  },
});
