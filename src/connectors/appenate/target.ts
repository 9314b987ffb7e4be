import type { CanonicalValues } from '../../core/model/canonical.js';
import type { Entity } from '../../core/model/entities.js';
import { invert, type ListQuery, type MatchKey, type Connection, type TargetWriter, type WireMap, type WriteOp } from '../../core/ports.js';
import { RemoteError, UsageError, type FieldError } from '../../errors.js';
import type { HttpClient } from '../../http/client.js';
import { connect, DEFAULT_TIMEOUT_MS, endpointOf, readAheadOf, type ConnectionSettings } from '../connection.js';
import { arrayIn, objectIn, writeAnswer } from '../answer.js';
import { PageGuard, ReadAhead } from '../paging.js';

export interface AppenateSettings extends ConnectionSettings {
  name: string;
  /** The brand's API root, ending in /api/v2. */
  baseUrl: string;
  companyId: string;
  integrationKey: string;
  /**
   * List everyone with a search for an empty `Name=` — which the vendor does not document (a search
   * needs Name, Email or ExternalId). Off: nothing is listed; a plan looks each input row up instead.
   */
  listAll?: boolean;
  /** Whether a created user gets the platform's invitation e-mail (default true, as the platform does). */
  invite?: boolean;
  /** The licence type a created user gets when its row says none (default: the platform's own). */
  userType?: string;
}

export const APPENATE_WIRE: WireMap = {
  id: 'Id', externalId: 'ExternalId', firstName: 'FirstName', lastName: 'LastName', email: 'Email', status: 'Status',
  websiteRole: 'WebsiteRole', country: 'Country', groups: 'Groups', userType: 'Type',
};
export const APPENATE_GROUP_WIRE: WireMap = { id: 'Id', label: 'Name' };
const FROM_WIRE = { users: invert(APPENATE_WIRE), groups: invert(APPENATE_GROUP_WIRE) };
const PAGE = 250; // the documented maximum
const RESOURCE = { users: 'user', groups: 'usergroup' } as const;
const ANSWER = { users: 'User', groups: 'UserGroup' } as const;
const LIST = { users: 'Users', groups: 'UserGroups' } as const;

/** ServiceStack's error shape: {"ResponseStatus":{"ErrorCode","Message","Errors":[{"ErrorCode","FieldName","Message"}]}}. */
export function appenateFieldErrors(body: unknown): FieldError[] {
  const status = (body as { ResponseStatus?: { Errors?: Array<Record<string, unknown>> } } | undefined)?.ResponseStatus;
  return (status?.Errors ?? []).map((e) => ({ field: String(e.FieldName ?? ''), message: String(e.Message ?? '') }));
}

/**
 * "No ErrorCode means success" (seed 002): an answer of 200 whose ResponseStatus has an ErrorCode is
 * a failure — the status it stands for, by the code's name.
 */
export function appenateErrorIn2xx(body: unknown): number | undefined {
  const code = (body as { ResponseStatus?: { ErrorCode?: unknown } } | undefined)?.ResponseStatus?.ErrorCode;
  if (typeof code !== 'string' || !code) return undefined;
  if (/unauthori[sz]ed|forbidden|authentication/i.test(code)) return 401;
  if (/notfound/i.test(code)) return 404;
  if (/methodnotallowed/i.test(code)) return 405;
  return 400; // a validation error, a duplicate, anything else the record is refused for
}

export function fromAppenate(row: Record<string, unknown>, entity: 'users' | 'groups' = 'users'): CanonicalValues {
  const out: CanonicalValues = {};
  for (const [wire, value] of Object.entries(row)) {
    const field = FROM_WIRE[entity][wire];
    if (!field) continue;
    if (value === null || value === undefined || value === '') out[field] = null;
    else if (Array.isArray(value)) out[field] = value.map(String);
    else out[field] = String(value);
  }
  return out;
}

/** Appenate API v2 (and its white-label brands): users and user groups. */
export class AppenateTarget implements Connection {
  readonly type = 'appenate' as const;
  readonly entities = ['users', 'groups'] as const;
  readonly can: { list: boolean; lookupRecords: boolean };
  readonly wire = { users: APPENATE_WIRE, groups: APPENATE_GROUP_WIRE };
  readonly label: string;
  readonly identity: string;
  private readonly http: HttpClient;
  /** How requests to it are paced (the documented limit, or the config's rateLimit), to say how long a run takes. */
  get pacing() {
    return this.http.pacing;
  }

  constructor(private readonly settings: AppenateSettings) {
    this.label = `appenate "${settings.name}"`;
    this.identity = `appenate ${endpointOf(settings.baseUrl)} company ${settings.companyId}`;
    this.can = { list: settings.listAll === true, lookupRecords: true };
    this.http = connect({ baseUrl: settings.baseUrl, label: this.label, settings, secrets: () => [settings.integrationKey], fieldErrors: appenateFieldErrors, errorIn2xx: appenateErrorIn2xx });
  }

  get name(): string {
    return this.settings.name;
  }

  /** Credentials, JSON, and groups and folders by name rather than GUID (hrsync's groups are names). */
  private auth(): URLSearchParams {
    return new URLSearchParams({ format: 'json', CompanyId: this.settings.companyId, IntegrationKey: this.settings.integrationKey, UseNames: 'true' });
  }

  private async search(entity: 'users' | 'groups', params: Record<string, string>, pageNo: number, pageSize: number): Promise<{ rows: Array<Record<string, unknown>>; total: number | undefined }> {
    const query = this.auth();
    for (const [k, v] of Object.entries(params)) query.set(k, v);
    query.set('PageNo', String(pageNo));
    query.set('PageSize', String(pageSize));
    const res = await this.http.request({ method: 'GET', path: `${RESOURCE[entity]}/search?${query}`, endpoint: `${RESOURCE[entity]}/search` });
    const { list: rows, body } = arrayIn(res, LIST[entity], `a search answer (JSON with a ${LIST[entity]} array)`);
    return { rows: rows as Array<Record<string, unknown>>, total: typeof body.TotalRows === 'number' ? body.TotalRows : undefined };
  }

  /** Why nothing can be listed: the search needs a name, an e-mail or an external id. */
  private unlisted(what: string): UsageError {
    return new UsageError(
      `${this.label} cannot be listed (${what}): Appenate's search needs a Name, Email or ExternalId, and its documented API has no way to list everyone`,
      'import still works (each row is looked up); to list everyone — for export, --missing or --from — set "listAll": true in the target’s config if your tenant answers an empty Name= search with everyone (check with: hrsync targets check)',
    );
  }

  /**
   * [guess] with listAll: a search with an empty Name= returns everyone, page by page (PageNo from 0);
   * every page's TotalRows is checked (PageGuard), and with it the pages after the first are read
   * ahead (ReadAhead). Without a TotalRows, the first page's rows count as the total, as before.
   */
  async *list(entity: Entity, query: ListQuery = {}): AsyncIterable<CanonicalValues[]> {
    if (entity !== 'users' && entity !== 'groups') return;
    if (!this.settings.listAll) throw this.unlisted(entity);
    const statuses = entity === 'users' ? query.filter?.status : undefined;
    const params: Record<string, string> = { Name: '' };
    if (statuses?.length === 1) params.Status = statuses[0]!; // pushed down; several are filtered here
    const rest = Object.entries(query.filter ?? {}).filter(([f]) => !(f === 'status' && statuses?.length === 1));
    const size = this.settings.pageSize ?? PAGE;
    const guard = new PageGuard(this.label, RESOURCE[entity], query.onNotice, this.settings);
    const pages = new ReadAhead((page) => this.search(entity, params, page, size), readAheadOf(this.settings));
    for (let page = 0; ; page++) {
      const { rows: found, total } = await pages.get(page);
      guard.expect(page === 0 ? (total ?? found.length) : total);
      if (found.length === 0) break;
      if (page === 0 && total !== undefined && found.length === size) pages.plan(1, 1, Math.ceil(total / size));
      const rows = guard.page(found, (u) => (u.Id ? String(u.Id) : undefined)).map((r) => fromAppenate(r, entity)).filter((r) => rest.every(([f, vs]) => vs.includes(String(r[f] ?? ''))));
      if (rows.length) yield rows;
      if (guard.complete || found.length < size) break;
    }
    guard.finish();
  }

  async count(entity: Entity): Promise<number | undefined> {
    if ((entity !== 'users' && entity !== 'groups') || !this.settings.listAll) return undefined;
    const { rows, total } = await this.search(entity, { Name: '' }, 0, 1);
    return total ?? rows.length;
  }

  /** Without listAll: one cheap authenticated call (a search for an ExternalId no one has). */
  async check(): Promise<void> {
    await this.search('users', { ExternalId: 'hrsync-credentials-check' }, 0, 1);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private async lookup(entity: Entity, key: MatchKey): Promise<CanonicalValues | undefined> {
    if (entity !== 'users' && entity !== 'groups') return undefined;
    const param = (entity === 'users' ? { id: 'Id', email: 'Email', externalId: 'ExternalId' } : { id: 'Id', label: 'Name' } as Record<string, string>)[key.field];
    if (!param) return undefined;
    const query = this.auth();
    query.set(param, key.value);
    const res = await this.http.request({ method: 'GET', path: `${RESOURCE[entity]}?${query}`, endpoint: RESOURCE[entity], accept: [404] });
    if (res.status === 404) return undefined;
    // Not found is a 404 (or an error code inside a 200, see appenateErrorIn2xx): a 200 holds the record.
    return fromAppenate(objectIn(res, ANSWER[entity], `a ${ANSWER[entity]} answer (JSON with a ${ANSWER[entity]} object)`), entity);
  }

  private async write(op: WriteOp): Promise<{ id: string }> {
    if (op.entity !== 'users' && op.entity !== 'groups') throw new RemoteError('unexpected', `${this.label} holds users and groups, not ${op.entity}`, undefined);
    const resource = RESOURCE[op.entity];
    const query = this.auth();
    if (op.action === 'delete') {
      query.set('Id', op.id!);
      await this.http.request({ method: 'DELETE', path: `${resource}?${query}`, endpoint: resource });
      return { id: op.id! };
    }
    const wire = this.wire[op.entity];
    const body: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(op.values ?? {})) {
      const name = wire[field];
      if (name && field !== 'id' && field !== 'status') body[name] = value;
    }
    if (op.action === 'update') body.Id = op.id;
    if (op.entity === 'users') {
      if (body.Groups !== undefined) body.UseNames = true;
      if (op.action === 'create') {
        const invite = op.values?.invite ?? this.settings.invite ?? true;
        if (invite === false) body.DoNotEmail = true;
        if (body.Type === undefined && this.settings.userType) body.Type = this.settings.userType;
      }
    }
    const res = await this.http.request({ method: op.action === 'create' ? 'POST' : 'PUT', path: `${resource}?${query}`, endpoint: resource, body });
    const id = (writeAnswer(res, `a ${ANSWER[op.entity]} answer (a JSON object)`)?.[ANSWER[op.entity]] as { Id?: unknown } | undefined)?.Id;
    return { id: id ? String(id) : (op.id ?? '') };
  }

  readonly writer: TargetWriter = {
    matchKeys: (entity) => (entity === 'groups' ? ['id', 'label'] : ['externalId', 'email', 'id']),
    // The platform manages Status (Invited, then Active); hrsync never sends it. [guess] no soft delete.
    readOnly: (entity) => (entity === 'users' ? ['status'] : []),
    createOnly: (entity) => (entity === 'users' ? ['invite'] : []),
    describeCreates: (entity, creates) => {
      if (entity !== 'users' || creates.length === 0) return [];
      const invited = creates.filter((v) => (v.invite ?? this.settings.invite ?? true) !== false).length;
      const types = new Map<string, number>();
      for (const v of creates) {
        const type = typeof v.userType === 'string' && v.userType ? v.userType : (this.settings.userType ?? 'the platform’s default type (billable on many plans)');
        types.set(type, (types.get(type) ?? 0) + 1);
      }
      return [
        `${this.label} e-mails an invitation to ${invited} of the ${creates.length} users created${invited ? ' ("invite": false in the config, or an invite column of false, sends none)' : ''}`,
        `licence types of the users created: ${[...types].map(([t, n]) => `${n} × ${t}`).join(', ')}`,
      ];
    },
    deactivation: () => undefined,
    settleMs: () => 2 * (this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    canDelete: () => true,
    lookup: (entity, key) => this.lookup(entity, key),
    write: (op) => this.write(op),
  };
}
