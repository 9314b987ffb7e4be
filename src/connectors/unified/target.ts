import type { CanonicalValues } from '../../core/model/canonical.js';
import type { Entity } from '../../core/model/entities.js';
import type { ListQuery, Connection, WireMap } from '../../core/ports.js';
import { RemoteError } from '../../errors.js';
import type { HttpClient } from '../../http/client.js';
import { connect, endpointOf, type ConnectionSettings } from '../connection.js';
import { jsonArray, jsonObject } from '../answer.js';
import { PageGuard } from '../paging.js';
import { segment } from '../segment.js';

export interface UnifiedSettings extends ConnectionSettings {
  name: string;
  baseUrl: string;
  connectionId: string;
  apiKey: string;
}

type UnifiedRecord = Record<string, unknown> & { id?: string };
type Address = Record<string, string | undefined>;
/** How an employee names a group: the SDK's HrisGroup, which "may not have all of the Group fields present" (hrisemployee.ts). */
type GroupRef = { id?: unknown; name?: unknown; type?: unknown };
type Employee = UnifiedRecord & {
  emails?: Array<{ email?: string; type?: string }>;
  telephones?: Array<{ telephone?: string; type?: string }>;
  address?: Address;
  groups?: GroupRef[];
};
/** The SDK's HrisCompany (src/sdk/models/shared/hriscompany.ts): id, name, legal_name, address … */
type Company = UnifiedRecord & { address?: Address };

const date = (v: unknown) => (typeof v === 'string' && v ? v.slice(0, 10) : null);
const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/**
 * Canonical field → the Unified field it comes from (emails and telephones are lists there). There is
 * no companyId: an employee's `company_id` is the HR system's company id, never a target's company
 * ID; it is read as the company's name instead (`companyName`, from /company), like managerEmail
 * from manager_id. A later value map can turn HR company ids into a target's.
 */
export const UNIFIED_WIRE: WireMap = {
  externalId: 'employee_number', firstName: 'first_name', lastName: 'last_name', email: 'emails', phone: 'telephones', mobile: 'mobile_telephone',
  jobTitle: 'job_title', gender: 'gender', dateOfBirth: 'date_of_birth', address: 'address1', town: 'city', county: 'region',
  postcode: 'postal_code', country: 'country', companyName: 'company_name', status: 'employment_status', startDate: 'hired_at',
  endDate: 'terminated_at', managerEmail: 'manager_email', department: 'groups.DEPARTMENT', businessUnit: 'groups.BUSINESS_UNIT', groups: 'groups',
};

/** Companies: the HR system's id is the company's external id (canonical `id` is a target's own). */
export const UNIFIED_COMPANY_WIRE: WireMap = { externalId: 'id', name: 'name', address: 'address1', town: 'city', county: 'region', postcode: 'postal_code', country: 'country' };

/** Groups: only a label; the HR group's id is not a target's group ID. */
export const UNIFIED_GROUP_WIRE: WireMap = { label: 'name' };

/**
 * employment_status → hrsync's status words. ACTIVE and INACTIVE are the documented values [doc];
 * any other (ON_LEAVE, PENDING … occur) is kept as the HR system wrote it, never guessed onto
 * active or inactive: each target's rules judge it (no target takes ON_LEAVE today: the row is
 * invalid and left out, and the connector's notice says why; a status a target's list has an alias
 * for, such as TERMINATED, passes as that). The one place to change when a customer tells.
 */
export const UNIFIED_STATUSES: Readonly<Record<string, string>> = { ACTIVE: 'active', INACTIVE: 'inactive' };

/**
 * An employee's groups by their type (the SDK's HrisGroupType: TEAM, GROUP, DEPARTMENT, DIVISION,
 * BUSINESS_UNIT, BRANCH, SUB_DEPARTMENT — an open enum). The types listed here fill a field of their
 * own, the first group of the first type listed that the employee has (a second department is not
 * a membership); every other group — TEAM, GROUP, BRANCH, a type outside the SDK's list, none — is a
 * membership, `groups`, by its name, for a target's groups (`--map` values rename them).
 */
export const UNIFIED_GROUP_FIELDS: Readonly<Record<'department' | 'businessUnit', readonly string[]>> = {
  department: ['DEPARTMENT', 'SUB_DEPARTMENT'],
  businessUnit: ['BUSINESS_UNIT', 'DIVISION'],
};

const groupType = (g: GroupRef) => text(g.type)?.toUpperCase() ?? null;

/** An employee's groups → department, businessUnit and groups (names; a group without one is left out). */
export function fromGroups(refs: readonly GroupRef[] | undefined): CanonicalValues {
  const named = (Array.isArray(refs) ? refs : []).filter((g) => g !== null && typeof g === 'object' && text(g.name));
  const typed = new Set(Object.values(UNIFIED_GROUP_FIELDS).flat());
  const first = (types: readonly string[]) => {
    for (const type of types) {
      const group = named.find((g) => groupType(g) === type);
      if (group) return text(group.name);
    }
    return null;
  };
  const groups = [...new Set(named.filter((g) => !typed.has(groupType(g) ?? '')).map((g) => text(g.name)!))];
  return { department: first(UNIFIED_GROUP_FIELDS.department), businessUnit: first(UNIFIED_GROUP_FIELDS.businessUnit), groups: groups.length ? groups : null };
}

function status(v: unknown): string | null {
  const written = text(v);
  return written === null ? null : (UNIFIED_STATUSES[written.toUpperCase()] ?? written);
}

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
 * An employee → canonical user: employee_number is the external id (the Unified id — the HR system's
 * own id for the person — when there is none); the Unified id never becomes `id` (a target's own).
 * Statuses as UNIFIED_STATUSES says. company_id is left out here: list() names the company.
 */
export function fromUnified(e: Employee): CanonicalValues {
  const [first, ...rest] = String(e.name ?? '').trim().split(/\s+/);
  const phone = (type: string) => text(e.telephones?.find((t) => t.type === type)?.telephone);
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
    status: status(e.employment_status),
    startDate: date(e.hired_at),
    endDate: date(e.terminated_at),
    ...fromGroups(e.groups),
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

/**
 * The largest page: "at most 100 records per page on most endpoints" (docs.unified.to pagination,
 * platforms.md §5). A larger `pageSize` is asked as 100: a server that caps silently answers 100 to a
 * limit of 500, and "fewer than limit" would end the list after its first page.
 */
export const UNIFIED_MAX_LIMIT = 100;

const RESOURCE = { users: 'employee', companies: 'company', groups: 'group' } as const;

/** Values counted as they come, for one notice at the end of a list. */
class Tally {
  private readonly counts = new Map<string, number>();
  total = 0;

  add(value: string): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
    this.total++;
  }

  /** "1 employee has", "2 employees have" … */
  people(singular: string, plural: string): string {
    return this.total === 1 ? `1 employee ${singular}` : `${this.total} employees ${plural}`;
  }

  /** "ON_LEAVE ×2, PENDING", the first five values. */
  toString(): string {
    const shown = [...this.counts].slice(0, 5).map(([value, n]) => (n > 1 ? `${value} ×${n}` : value));
    return shown.join(', ') + (this.counts.size > 5 ? ` and ${this.counts.size - 5} more` : '');
  }
}

/** Unified.to HRIS: employees, companies and groups — a read-only source. */
export class UnifiedTarget implements Connection {
  readonly type = 'unified' as const;
  readonly entities = ['users', 'companies', 'groups'] as const;
  readonly can = { list: true };
  readonly wire = { users: UNIFIED_WIRE, companies: UNIFIED_COMPANY_WIRE, groups: UNIFIED_GROUP_WIRE };
  readonly label: string;
  readonly identity: string;
  private readonly http: HttpClient;
  /** How requests to it are paced (the documented limit, or the config's rateLimit), to say how long a run takes. */
  get pacing() {
    return this.http.pacing;
  }
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
    return `hris/${segment(this.settings.connectionId, this.label, 'connectionId')}/${resource}${suffix}`;
  }

  private auth() {
    return { authorization: `Bearer ${this.settings.apiKey}` };
  }

  /** A manager's email: from employees already read, else one lookup per manager, remembered. */
  private async managerEmail(id: string): Promise<string | null> {
    if (this.managers.has(id)) return this.managers.get(id)!;
    const res = await this.http.request({ method: 'GET', path: this.path('employee', `/${segment(id, this.label, 'manager id')}`), headers: this.auth(), endpoint: 'employee', accept: [404] });
    const email = res.status === 404 ? null : primaryEmail(jsonObject(res, 'an employee (a JSON object)') as Employee);
    this.managers.set(id, email);
    return email;
  }

  /**
   * Every record of one list, page by page (limit/offset, oldest first). Not every integration
   * supports every paging parameter [doc]: the PageGuard drops a record that comes again unchanged and
   * stops (RemoteError, exit 4) on a page that repeats or a record that comes back changed. `missing`:
   * statuses answered as "this connection has no such list" (an empty list instead of a failure).
   */
  private async *pages(resource: string, query: ListQuery, missing: number[] = []): AsyncIterable<UnifiedRecord[]> {
    const limit = Math.min(this.settings.pageSize ?? UNIFIED_MAX_LIMIT, UNIFIED_MAX_LIMIT);
    const guard = new PageGuard(this.label, resource, query.onNotice, this.settings);
    for (let offset = 0; ; offset += limit) {
      const params = new URLSearchParams({ limit: String(limit), offset: String(offset), sort: 'created_at', order: 'asc' });
      if (query.since) params.set('updated_gte', query.since);
      const res = await this.http.request({ method: 'GET', path: `${this.path(resource)}?${params}`, headers: this.auth(), endpoint: resource, accept: missing });
      if (missing.includes(res.status)) throw new NoSuchList(res.status);
      const records = jsonArray(res, `a list of ${resource} records (a JSON array)`) as UnifiedRecord[];
      const fresh = guard.page(records, (r) => r.id);
      if (fresh.length) yield fresh;
      if (records.length < limit) break;
    }
    guard.finish();
  }

  /**
   * One of the HR system's lists (companies, groups) by id, read once — or undefined (with a notice
   * saying `why` it matters) when the connection has no such list (404, or 501 [guess]: how an
   * integration without it answers).
   */
  private async directory(resource: 'company' | 'group', onNotice: ListQuery['onNotice'], why: string): Promise<Map<string, UnifiedRecord> | undefined> {
    const found = new Map<string, UnifiedRecord>();
    try {
      for await (const page of this.pages(resource, { ...(onNotice ? { onNotice } : {}) }, [404, 501])) for (const r of page) if (typeof r.id === 'string' && r.id) found.set(r.id, r);
    } catch (error) {
      if (!(error instanceof NoSuchList)) throw error;
      onNotice?.(`${this.label}: the connection does not list ${resource === 'company' ? 'companies' : 'groups'} (${error.status} on /${resource}): ${why}`);
      return undefined;
    }
    return found;
  }

  /** The HR system's company names by id, listed once per list of users (undefined: no /company). */
  private async companyNames(onNotice: ListQuery['onNotice']): Promise<Map<string, string | null> | undefined> {
    const companies = await this.directory('company', onNotice, 'the employees’ company_id (the HR system’s company) cannot be named, so companyName is left blank');
    return companies && new Map([...companies].map(([id, c]) => [id, fromUnifiedCompany(c).name as string | null]));
  }

  /**
   * An employee's groups with their names and types: the SDK says a group on an employee "may not
   * have all of the Group fields present, but should have id, name, or email", so a group missing its
   * name or type is completed from /group (listed once per list of users, only when one is needed).
   * The ids of groups that stay nameless are counted in `unnamed`.
   */
  private async fullGroups(refs: GroupRef[] | undefined, groups: GroupDirectory, unnamed: Tally): Promise<GroupRef[] | undefined> {
    if (!Array.isArray(refs) || refs.every((g) => text(g?.name) && text(g?.type))) return refs;
    const book = await groups();
    return refs.map((g) => {
      const id = text(g?.id);
      const full = id ? book?.get(id) : undefined;
      const ref = { ...g, name: text(g?.name) ?? full?.name, type: text(g?.type) ?? full?.type };
      if (!text(ref.name)) unnamed.add(id ?? JSON.stringify(g));
      return ref;
    });
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
    let companies: Map<string, string | null> | undefined | null = null; // null: not listed yet; undefined: no /company
    const unknownStatus = new Tally();
    const unknownCompany = new Tally();
    const unnamedGroup = new Tally();
    let book: Promise<Map<string, UnifiedRecord> | undefined> | undefined;
    const groups: GroupDirectory = () => (book ??= this.directory('group', query.onNotice, 'groups an employee names by id alone cannot be named, so they are left out'));
    for await (const page of this.pages(RESOURCE.users, query)) {
      const employees = page as Employee[];
      for (const e of employees) if (e.id) this.managers.set(e.id, primaryEmail(e));
      const rows: CanonicalValues[] = [];
      for (const e of employees) {
        const row = fromUnified({ ...e, groups: await this.fullGroups(e.groups, groups, unnamedGroup) });
        if (typeof row.status === 'string' && !Object.values(UNIFIED_STATUSES).includes(row.status)) unknownStatus.add(row.status);
        const companyId = text(e.company_id);
        if (companyId && companies === null) companies = await this.companyNames(query.onNotice);
        row.companyName = companyId ? (companies?.get(companyId) ?? null) : null;
        if (companyId && companies && !companies.has(companyId)) unknownCompany.add(companyId);
        if (typeof e.manager_id === 'string' && e.manager_id) row.managerEmail = await this.managerEmail(e.manager_id);
        rows.push(row);
      }
      const shown = kept(rows);
      if (shown.length) yield shown;
    }
    if (unknownStatus.total)
      query.onNotice?.(`${this.label}: ${unknownStatus.people('has', 'have')} an employment_status hrsync has no status for (${unknownStatus}): kept as the HR system wrote it, for the target’s rules to judge (a target with no such status refuses those rows)`);
    if (unknownCompany.total)
      query.onNotice?.(`${this.label}: ${unknownCompany.people('names', 'name')} a company_id that /company does not list (${unknownCompany}): ${unknownCompany.total === 1 ? 'its' : 'their'} companyName is left blank`);
    if (unnamedGroup.total)
      query.onNotice?.(`${this.label}: employees name ${unnamedGroup.total === 1 ? 'a group' : `${unnamedGroup.total} groups`} without a name that /group does not name either (${unnamedGroup}): left out of their department, businessUnit and groups`);
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

/** The HR system's groups by id, read at most once per list of users (undefined: no /group). */
type GroupDirectory = () => Promise<Map<string, UnifiedRecord> | undefined>;

/** A list the connection does not have (its integration does not support it). */
class NoSuchList extends Error {
  constructor(readonly status: number) {
    super(`no such list (${status})`);
  }
}
