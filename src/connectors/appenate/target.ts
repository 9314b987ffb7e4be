import type { CanonicalValues } from '../../core/model/canonical.js';
import type { Entity } from '../../core/model/entities.js';
import { invert, type ListQuery, type Target, type TargetWriter, type WireMap } from '../../core/ports.js';
import { RemoteError, type FieldError } from '../../errors.js';
import type { HttpClient } from '../../http/client.js';
import { connect, DEFAULT_TIMEOUT_MS, endpointOf, type ConnectionSettings } from '../connection.js';
import { PageGuard } from '../paging.js';

export interface AppenateSettings extends ConnectionSettings {
  name: string;
  /** The brand's API root, ending in /api/v2. */
  baseUrl: string;
  companyId: string;
  integrationKey: string;
}

export const APPENATE_WIRE: WireMap = {
  id: 'Id', externalId: 'ExternalId', firstName: 'FirstName', lastName: 'LastName', email: 'Email', status: 'Status',
  websiteRole: 'WebsiteRole', country: 'Country', groups: 'Groups',
};
const FROM_WIRE = invert(APPENATE_WIRE);
const PAGE = 250; // the documented maximum

/** ServiceStack's error shape: {"ResponseStatus":{"ErrorCode","Message","Errors":[{"ErrorCode","FieldName","Message"}]}}. */
export function appenateFieldErrors(body: unknown): FieldError[] {
  const status = (body as { ResponseStatus?: { Errors?: Array<Record<string, unknown>> } } | undefined)?.ResponseStatus;
  return (status?.Errors ?? []).map((e) => ({ field: String(e.FieldName ?? ''), message: String(e.Message ?? '') }));
}

export function fromAppenate(row: Record<string, unknown>): CanonicalValues {
  const out: CanonicalValues = {};
  for (const [wire, value] of Object.entries(row)) {
    const field = FROM_WIRE[wire];
    if (!field) continue;
    if (value === null || value === undefined || value === '') out[field] = null;
    else if (Array.isArray(value)) out[field] = value.map(String);
    else out[field] = String(value);
  }
  return out;
}

/** Appenate users API v2 (and its white-label brands): users only. */
export class AppenateTarget implements Target {
  readonly type = 'appenate' as const;
  readonly entities = ['users'] as const;
  readonly can = { list: true };
  readonly wire = { users: APPENATE_WIRE };
  readonly label: string;
  readonly identity: string;
  private readonly http: HttpClient;

  constructor(private readonly settings: AppenateSettings) {
    this.label = `appenate "${settings.name}"`;
    this.identity = `appenate ${endpointOf(settings.baseUrl)} company ${settings.companyId}`;
    this.http = connect({ baseUrl: settings.baseUrl, label: this.label, settings, secrets: () => [settings.integrationKey], fieldErrors: appenateFieldErrors });
  }

  get name(): string {
    return this.settings.name;
  }

  /** Credentials, JSON, and groups and folders by name rather than GUID (hrsync's groups are names). */
  private auth(): URLSearchParams {
    return new URLSearchParams({ format: 'json', CompanyId: this.settings.companyId, IntegrationKey: this.settings.integrationKey, UseNames: 'true' });
  }

  private async search(params: Record<string, string>, pageNo: number, pageSize: number): Promise<{ users: Array<Record<string, unknown>>; total: number }> {
    const query = this.auth();
    for (const [k, v] of Object.entries(params)) query.set(k, v);
    query.set('PageNo', String(pageNo));
    query.set('PageSize', String(pageSize));
    const res = await this.http.request({ method: 'GET', path: `user/search?${query}`, endpoint: 'user/search' });
    const body = res.body as { Users?: Array<Record<string, unknown>>; TotalRows?: number } | undefined;
    if (!Array.isArray(body?.Users)) throw new RemoteError('unexpected', `${this.label}: a search answer has no Users array`, res.status);
    return { users: body.Users, total: typeof body.TotalRows === 'number' ? body.TotalRows : body.Users.length };
  }

  /** [guess] the API has no list-all: a search with an empty Name= returns everyone, page by page. */
  async *list(entity: Entity, query: ListQuery = {}): AsyncIterable<CanonicalValues[]> {
    if (entity !== 'users') return;
    const statuses = query.filter?.status;
    const params: Record<string, string> = { Name: '' };
    if (statuses?.length === 1) params.Status = statuses[0]!; // pushed down; several are filtered here
    const rest = Object.entries(query.filter ?? {}).filter(([f]) => !(f === 'status' && statuses?.length === 1));
    const size = this.settings.pageSize ?? PAGE;
    const guard = new PageGuard(this.label, 'user', query.onNotice, this.settings.maxRecords);
    for (let page = 0; ; page++) {
      const { users, total } = await this.search(params, page, size);
      if (page === 0) guard.expect(total);
      if (users.length === 0) break;
      const rows = guard.page(users, (u) => (u.Id ? String(u.Id) : undefined)).map(fromAppenate).filter((r) => rest.every(([f, vs]) => vs.includes(String(r[f] ?? ''))));
      if (rows.length) yield rows;
      if (guard.complete || users.length < size) break;
    }
    guard.finish();
  }

  async count(entity: Entity): Promise<number | undefined> {
    if (entity !== 'users') return undefined;
    return (await this.search({ Name: '' }, 0, 1)).total;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  readonly writer: TargetWriter = {
    matchKeys: () => ['externalId', 'email', 'id'],
    // The platform manages Status (Invited, then Active); hrsync never sends it. [guess] no soft delete.
    readOnly: () => ['status'],
    deactivation: () => undefined,
    settleMs: () => 2 * (this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    canDelete: () => true,
    lookup: async (_entity, key) => {
      const param = { id: 'Id', email: 'Email', externalId: 'ExternalId' }[key.field];
      if (!param) return undefined;
      const query = this.auth();
      query.set(param, key.value);
      const res = await this.http.request({ method: 'GET', path: `user?${query}`, endpoint: 'user', accept: [404] });
      const user = (res.body as { User?: Record<string, unknown> } | undefined)?.User;
      return res.status === 404 || !user ? undefined : fromAppenate(user);
    },
    write: async (op) => {
      const query = this.auth();
      if (op.action === 'delete') {
        query.set('Id', op.id!);
        await this.http.request({ method: 'DELETE', path: `user?${query}`, endpoint: 'user' });
        return { id: op.id! };
      }
      const body: Record<string, unknown> = {};
      for (const [field, value] of Object.entries(op.values ?? {})) {
        const wire = APPENATE_WIRE[field];
        if (wire && field !== 'id' && field !== 'status') body[wire] = value;
      }
      if (op.action === 'update') body.Id = op.id;
      if (body.Groups !== undefined) body.UseNames = true;
      const res = await this.http.request({ method: op.action === 'create' ? 'POST' : 'PUT', path: `user?${query}`, endpoint: 'user', body });
      const id = (res.body as { User?: { Id?: unknown } } | undefined)?.User?.Id;
      return { id: id ? String(id) : op.id ?? '' };
    },
  };
}
