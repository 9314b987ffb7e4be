import type { CanonicalValues } from '../../core/model/canonical.js';
import type { Entity } from '../../core/model/entities.js';
import type { ListQuery, Target, WireMap } from '../../core/ports.js';
import { RemoteError } from '../../errors.js';
import type { HttpClient } from '../../http/client.js';
import { connect, endpointOf, type ConnectionSettings } from '../connection.js';
import { PageGuard } from '../paging.js';

export interface UnifiedSettings extends ConnectionSettings {
  name: string;
  baseUrl: string;
  connectionId: string;
  apiKey: string;
}

type UnifiedRecord = Record<string, unknown> & { id?: string };
type Address = Record<string, string | undefined>;
type Employee = UnifiedRecord & {
  emails?: Array<{ email?: string; type?: string }>;
  telephones?: Array<{ telephone?: string; type?: string }>;
  address?: Address;
};
/** The SDK's HrisCompany (src/sdk/models/shared/hriscompany.ts): id, name, legal_name, address … */
type Company = UnifiedRecord & { address?: Address };

const date = (v: unknown) => (typeof v === 'string' && v ? v.slice(0, 10) : null);
const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** Canonical field → the Unified employee field it comes from (emails and telephones are lists there). */
export const UNIFIED_WIRE: WireMap = {
  externalId: 'employee_number', firstName: 'first_name', lastName: 'last_name', email: 'emails', phone: 'telephones', mobile: 'mobile_telephone',
  jobTitle: 'job_title', gender: 'gender', dateOfBirth: 'date_of_birth', address: 'address1', town: 'city', county: 'region',
  postcode: 'postal_code', country: 'country', companyId: 'company_id', status: 'employment_status', startDate: 'hired_at',
  endDate: 'terminated_at', managerEmail: 'manager_email',
};

/** Companies: the HR system's id is the company's external id (canonical `id` is a target's own). */
export const UNIFIED_COMPANY_WIRE: WireMap = { externalId: 'id', name: 'name', address: 'address1', town: 'city', county: 'region', postcode: 'postal_code', country: 'country' };

/** Groups: only a label; the HR group's id is not a target's group ID. */
export const UNIFIED_GROUP_WIRE: WireMap = { label: 'name' };

/** The work email first, then any other. */
export function primaryEmail(e: Employee): string | null {
  const emails = e.emails ?? [];
  return text((emails.find((m) => m.type === 'WORK') ?? emails[0])?.email);
}

/** An address object → canonical address fields. */
function fromAddress(address: Address = {}): CanonicalValues {
  return {
    address: text([address.address1, address.address2].filter(Boolean).join(', ')),
    town: text(address.city),
    county: text(address.region),
    postcode: text(address.postal_code),
    country: text(address.country) ?? text(address.country_code),
  };
}

/**
 * An employee → canonical user: employee_number is the external id (the Unified id when there is
 * none), ACTIVE/INACTIVE become active/inactive, other statuses pass through lower-cased.
 */
export function fromUnified(e: Employee): CanonicalValues {
  const [first, ...rest] = String(e.name ?? '').trim().split(/\s+/);
  const phone = (type: string) => text(e.telephones?.find((t) => t.type === type)?.telephone);
  const status = typeof e.employment_status === 'string' ? e.employment_status.toLowerCase() : null;
  const gender = typeof e.gender === 'string' ? e.gender.toLowerCase() : null;
  return {
    externalId: text(e.employee_number) ?? text(e.id),
    firstName: text(e.first_name) ?? text(first),
    lastName: text(e.last_name) ?? text(rest.join(' ')),
    email: primaryEmail(e),
    phone: phone('WORK'),
    mobile: phone('MOBILE'),
    jobTitle: text(e.title),
    gender,
    dateOfBirth: date(e.date_of_birth),
    ...fromAddress(e.address),
    companyId: text(e.company_id),
    status,
    startDate: date(e.hired_at),
    endDate: date(e.terminated_at),
  };
}

/** A company → canonical company: its Unified id (the HR system's) as the external id; name, else legal name. */
export function fromUnifiedCompany(c: Company): CanonicalValues {
  return { externalId: text(c.id), name: text(c.name) ?? text(c.legal_name), ...fromAddress(c.address) };
}

/** A group (department, team …) → canonical group: its name as the label. */
export function fromUnifiedGroup(g: UnifiedRecord): CanonicalValues {
  return { label: text(g.name) };
}

const RESOURCE = { users: 'employee', companies: 'company', groups: 'group' } as const;

/** Unified.to HRIS: employees, companies and groups — a read-only source. */
export class UnifiedTarget implements Target {
  readonly type = 'unified' as const;
  readonly entities = ['users', 'companies', 'groups'] as const;
  readonly can = { list: true };
  readonly wire = { users: UNIFIED_WIRE, companies: UNIFIED_COMPANY_WIRE, groups: UNIFIED_GROUP_WIRE };
  readonly label: string;
  readonly identity: string;
  private readonly http: HttpClient;
  private readonly managers = new Map<string, string | null>();

  constructor(private readonly settings: UnifiedSettings) {
    this.label = `unified "${settings.name}"`;
    this.identity = `unified ${endpointOf(settings.baseUrl)} connection ${settings.connectionId}`;
    this.http = connect({ baseUrl: settings.baseUrl, label: this.label, settings, secrets: () => [settings.apiKey] });
  }

  get name(): string {
    return this.settings.name;
  }

  private path(resource: string, suffix = ''): string {
    return `hris/${encodeURIComponent(this.settings.connectionId)}/${resource}${suffix}`;
  }

  private auth() {
    return { authorization: `Bearer ${this.settings.apiKey}` };
  }

  /** A manager's email: from employees already read, else one lookup per manager, remembered. */
  private async managerEmail(id: string): Promise<string | null> {
    if (this.managers.has(id)) return this.managers.get(id)!;
    const res = await this.http.request({ method: 'GET', path: this.path('employee', `/${encodeURIComponent(id)}`), headers: this.auth(), endpoint: 'employee', accept: [404] });
    const email = res.status === 404 ? null : primaryEmail(res.body as Employee);
    this.managers.set(id, email);
    return email;
  }

  /**
   * Every record of one list, page by page (limit/offset, oldest first). Not every integration
   * supports every paging parameter [doc]: the PageGuard drops a record that comes again unchanged and
   * stops (RemoteError, exit 4) on a page that repeats or a record that comes back changed.
   */
  private async *pages(resource: string, query: ListQuery): AsyncIterable<UnifiedRecord[]> {
    const limit = this.settings.pageSize ?? 100;
    const guard = new PageGuard(this.label, resource, query.onNotice, this.settings.maxRecords);
    for (let offset = 0; ; offset += limit) {
      const params = new URLSearchParams({ limit: String(limit), offset: String(offset), sort: 'created_at', order: 'asc' });
      if (query.since) params.set('updated_gte', query.since);
      const res = await this.http.request({ method: 'GET', path: `${this.path(resource)}?${params}`, headers: this.auth(), endpoint: resource });
      if (!Array.isArray(res.body)) throw new RemoteError('unexpected', `${this.label}: the ${resource} list answer is not an array`, res.status);
      const fresh = guard.page(res.body as UnifiedRecord[], (r) => r.id);
      if (fresh.length) yield fresh;
      if ((res.body as unknown[]).length < limit) break;
    }
    guard.finish();
  }

  async *list(entity: Entity, query: ListQuery = {}): AsyncIterable<CanonicalValues[]> {
    const filters = Object.entries(query.filter ?? {});
    const kept = (rows: CanonicalValues[]) => rows.filter((row) => filters.every(([f, vs]) => vs.includes(String(row[f] ?? ''))));
    if (entity === 'companies' || entity === 'groups') {
      const map = entity === 'companies' ? fromUnifiedCompany : fromUnifiedGroup;
      for await (const page of this.pages(RESOURCE[entity], query)) {
        const rows = kept(page.map(map));
        if (rows.length) yield rows;
      }
      return;
    }
    for await (const page of this.pages(RESOURCE.users, query)) {
      const employees = page as Employee[];
      for (const e of employees) if (e.id) this.managers.set(e.id, primaryEmail(e));
      const rows: CanonicalValues[] = [];
      for (const e of employees) {
        const row = fromUnified(e);
        if (typeof e.manager_id === 'string' && e.manager_id) row.managerEmail = await this.managerEmail(e.manager_id);
        rows.push(row);
      }
      const shown = kept(rows);
      if (shown.length) yield shown;
    }
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
