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

type Employee = Record<string, unknown> & {
  id?: string;
  emails?: Array<{ email?: string; type?: string }>;
  telephones?: Array<{ telephone?: string; type?: string }>;
  address?: Record<string, string | undefined>;
};

const date = (v: unknown) => (typeof v === 'string' && v ? v.slice(0, 10) : null);
const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** Canonical field → the Unified employee field it comes from (emails and telephones are lists there). */
export const UNIFIED_WIRE: WireMap = {
  externalId: 'employee_number', firstName: 'first_name', lastName: 'last_name', email: 'emails', phone: 'telephones', mobile: 'mobile_telephone',
  jobTitle: 'job_title', gender: 'gender', dateOfBirth: 'date_of_birth', address: 'address1', town: 'city', county: 'region',
  postcode: 'postal_code', country: 'country', companyId: 'company_id', status: 'employment_status', startDate: 'hired_at',
  endDate: 'terminated_at', managerEmail: 'manager_email',
};

/** The work email first, then any other. */
export function primaryEmail(e: Employee): string | null {
  const emails = e.emails ?? [];
  return text((emails.find((m) => m.type === 'WORK') ?? emails[0])?.email);
}

/**
 * An employee → canonical user: employee_number is the external id (the Unified id when there is
 * none), ACTIVE/INACTIVE become active/inactive, other statuses pass through lower-cased.
 */
export function fromUnified(e: Employee): CanonicalValues {
  const [first, ...rest] = String(e.name ?? '').trim().split(/\s+/);
  const phone = (type: string) => text(e.telephones?.find((t) => t.type === type)?.telephone);
  const address = e.address ?? {};
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
    address: text([address.address1, address.address2].filter(Boolean).join(', ')),
    town: text(address.city),
    county: text(address.region),
    postcode: text(address.postal_code),
    country: text(address.country) ?? text(address.country_code),
    companyId: text(e.company_id),
    status,
    startDate: date(e.hired_at),
    endDate: date(e.terminated_at),
  };
}

/** Unified.to HRIS employees: a read-only source of users. */
export class UnifiedTarget implements Target {
  readonly type = 'unified' as const;
  readonly entities = ['users'] as const;
  readonly can = { list: true };
  readonly wire = { users: UNIFIED_WIRE };
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

  private path(suffix = ''): string {
    return `hris/${encodeURIComponent(this.settings.connectionId)}/employee${suffix}`;
  }

  private auth() {
    return { authorization: `Bearer ${this.settings.apiKey}` };
  }

  /** A manager's email: from employees already read, else one lookup per manager, remembered. */
  private async managerEmail(id: string): Promise<string | null> {
    if (this.managers.has(id)) return this.managers.get(id)!;
    const res = await this.http.request({ method: 'GET', path: this.path(`/${encodeURIComponent(id)}`), headers: this.auth(), endpoint: 'employee', accept: [404] });
    const email = res.status === 404 ? null : primaryEmail(res.body as Employee);
    this.managers.set(id, email);
    return email;
  }

  async *list(entity: Entity, query: ListQuery = {}): AsyncIterable<CanonicalValues[]> {
    if (entity !== 'users') return;
    const limit = this.settings.pageSize ?? 100;
    const filters = Object.entries(query.filter ?? {});
    // Not every integration supports every paging parameter [doc]: a page that repeats stops the list.
    const guard = new PageGuard(this.label, 'employee', query.onNotice, this.settings.maxRecords);
    for (let offset = 0; ; offset += limit) {
      const params = new URLSearchParams({ limit: String(limit), offset: String(offset), sort: 'created_at', order: 'asc' });
      if (query.since) params.set('updated_gte', query.since);
      const res = await this.http.request({ method: 'GET', path: `${this.path()}?${params}`, headers: this.auth(), endpoint: 'employee' });
      if (!Array.isArray(res.body)) throw new RemoteError('unexpected', `${this.label}: an employee list answer is not an array`, res.status);
      const employees = guard.page(res.body as Employee[], (e) => e.id);
      for (const e of employees) if (e.id) this.managers.set(e.id, primaryEmail(e));
      const rows: CanonicalValues[] = [];
      for (const e of employees) {
        const row = fromUnified(e);
        if (typeof e.manager_id === 'string' && e.manager_id) row.managerEmail = await this.managerEmail(e.manager_id);
        if (filters.every(([f, vs]) => vs.includes(String(row[f] ?? '')))) rows.push(row);
      }
      if (rows.length) yield rows;
      if ((res.body as Employee[]).length < limit) break;
    }
    guard.finish();
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
