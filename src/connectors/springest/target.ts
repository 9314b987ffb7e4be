import type { Approver, CanonicalValues } from '../../core/model/canonical.js';
import type { Connection, TargetWriter, WireMap } from '../../core/ports.js';
import { RemoteError, UsageError, type FieldError } from '../../errors.js';
import type { HttpClient } from '../../http/client.js';
import { jsonObject, unexpectedAnswer, writeAnswer } from '../answer.js';
import { connect, DEFAULT_TIMEOUT_MS, endpointOf, type ConnectionSettings } from '../connection.js';

export interface SpringestSite {
  baseUrl: string;
  apiKey: string;
}

export interface SpringestSettings extends ConnectionSettings {
  name: string;
  /** Site name → where it is and its key: a user goes to the sites its `sites` names, else to every site. */
  sites: Record<string, SpringestSite>;
}

/** Canonical field → Springest's import field (platforms.md §3). */
export const SPRINGEST_WIRE: WireMap = {
  managerEmail: 'approvers',
  externalId: 'external_id', email: 'email', gender: 'gender', firstName: 'first_name', lastName: 'last_name', phone: 'phone_number',
  dateOfBirth: 'birthdate', birthplace: 'birthplace', companyName: 'company_name', address: 'address', houseNumber: 'house_number',
  postcode: 'zip_code', town: 'city', country: 'country', status: 'active', jobTitle: 'job_title', department: 'department_name',
  businessUnit: 'business_unit', costCenter: 'cost_center', costCenterName: 'cost_center_name', approvers: 'approvers', tags: 'tags',
  startDate: 'employment_start_date', endDate: 'employment_end_date',
  // Not a field of Springest's: which of the configured sites a user is sent to (all when absent).
  sites: 'sites',
};

/** [guess] a 400's body: {"errors": {"email": ["is invalid"]}}. */
export function springestFieldErrors(body: unknown): FieldError[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!errors || typeof errors !== 'object' || Array.isArray(errors)) return [];
  return Object.entries(errors as Record<string, unknown>).flatMap(([field, messages]) =>
    (Array.isArray(messages) ? messages : [messages]).map((m) => ({ field, message: String(m) })),
  );
}

/** What Springest answers with a user, for a message about an answer that is not. */
const USER_ANSWER = 'a Springest user (a JSON object with its id)';

/** A probe no real user has, to check a key without touching data. */
const PROBE = '__hrsync_check__';

/**
 * Springest Go users import: users only, written by upsert; looked up by external_id. It has no
 * endpoint that lists users, so `list` says so rather than pretend.
 */
export class SpringestTarget implements Connection {
  readonly type = 'springest' as const;
  readonly entities = ['users'] as const;
  readonly can = { list: false };
  readonly wire = { users: SPRINGEST_WIRE };
  readonly label: string;
  readonly identity: string;
  private readonly clients: Array<{ site: string; http: HttpClient; key: string }>;

  constructor(private readonly settings: SpringestSettings) {
    this.label = `springest "${settings.name}"`;
    this.identity = `springest ${Object.entries(settings.sites).map(([site, s]) => `${site}=${endpointOf(s.baseUrl)}`).sort().join(' ')}`;
    const keys = Object.values(settings.sites).map((s) => s.apiKey);
    this.clients = Object.entries(settings.sites).map(([site, s]) => ({
      site,
      key: s.apiKey,
      http: connect({ baseUrl: s.baseUrl, label: `${this.label} site ${site}`, settings, secrets: () => keys, fieldErrors: springestFieldErrors }),
    }));
  }

  get name(): string {
    return this.settings.name;
  }

  // eslint-disable-next-line require-yield -- it refuses before yielding anything
  async *list(): AsyncIterable<CanonicalValues[]> {
    throw new UsageError(`${this.label} cannot be listed: Springest's API has no endpoint that returns all users (it looks a user up by external_id only)`);
  }

  /** Every site answers a lookup with its key: 404 for the probe means the key works. */
  async check(): Promise<void> {
    for (const { http, key } of this.clients)
      await http.request({ method: 'GET', path: `users.json?api_key=${encodeURIComponent(key)}&external_id=${PROBE}`, accept: [404] });
  }

  /**
   * The sites a user is sent to: those its `sites` names ("for each user: a POST for each site to which
   * this user should have access" — seed 003), or every configured site. A name not configured is
   * refused before anything is sent.
   */
  private sitesOf(values: CanonicalValues): Array<{ site: string; http: HttpClient; key: string }> {
    const wanted = Array.isArray(values.sites) ? values.sites.map((s) => String(s).trim()).filter(Boolean) : [];
    if (wanted.length === 0) return this.clients;
    const unknown = wanted.filter((w) => !this.clients.some((c) => c.site.toLowerCase() === w.toLowerCase()));
    if (unknown.length)
      throw new RemoteError('validation', `${this.label}: ${unknown.map((u) => `"${u}"`).join(', ')} ${unknown.length === 1 ? 'is not a site' : 'are not sites'} of this target (its sites: ${this.clients.map((c) => c.site).join(', ')}); nothing was sent`, undefined, [{ field: 'sites', message: `${unknown.join(', ')}: not a site of this target (its sites: ${this.clients.map((c) => c.site).join(', ')}); nothing was sent` }]);
    return this.clients.filter((c) => wanted.some((w) => w.toLowerCase() === c.site.toLowerCase()));
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.http.close()));
  }

  readonly writer: TargetWriter = {
    matchKeys: () => ['externalId', 'email'],
    readOnly: () => [],
    // "Approvers must be existing, active users" (seed 003): a new manager is created before the reports
    // naming them, and one the input says is inactive is not sent.
    writtenAfter: () => [
      { field: 'approvers', key: 'email', active: true },
      { field: 'managerEmail', key: 'email', active: true },
    ],
    deactivation: () => ({ field: 'status', value: 'inactive', active: 'active' }),
    settleMs: () => 2 * (this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    canDelete: () => false,
    lookup: async (_entity, key) => {
      if (key.field !== 'externalId') return undefined; // the API looks users up by external_id only
      const { http, key: apiKey } = this.clients[0]!;
      const res = await http.request({ method: 'GET', path: `users.json?api_key=${encodeURIComponent(apiKey)}&external_id=${encodeURIComponent(key.value)}`, accept: [404] });
      if (res.status === 404) return undefined;
      // Not found is a 404: a 200 holds the user, with its id.
      const b = jsonObject(res, USER_ANSWER) as { id?: unknown; external_id?: string; user_email?: string; active?: unknown };
      if (!b.id) throw unexpectedAnswer(res, USER_ANSWER);
      return { id: String(b.id), externalId: b.external_id ?? null, email: b.user_email ?? null, status: String(b.active) === 'false' ? 'inactive' : 'active' };
    },
    /** An upsert on every site: safe to send again, so a lost answer is simply retried. */
    write: async (op) => {
      if (op.action === 'delete') throw new RemoteError('unexpected', `${this.label}: Springest users cannot be deleted through the API; deactivate them`, undefined);
      const values = op.action === 'deactivate' ? { ...op.values, status: 'inactive' } : op.values ?? {};
      // The upsert finds the user by external_id, else email: a write without either would create one.
      if (!values.externalId && !values.email)
        throw new RemoteError('validation', `${this.label}: Springest finds a user by external_id or email, and this write has neither`, undefined, [{ field: 'externalId', message: 'external_id or email is needed to find the user' }]);
      let id = op.id ?? '';
      for (const { http, key } of this.sitesOf(values)) {
        const res = await http.request({ method: 'POST', path: `users.json?api_key=${encodeURIComponent(key)}`, body: toSpringest(values), idempotent: true });
        id ||= String(writeAnswer(res, USER_ANSWER)?.id ?? '');
      }
      return { id };
    },
  };
}

/**
 * Canonical values → the import body: status becomes active (true/false), the manager becomes an
 * approver labelled Manager, blanks (only present with --blank clear) are sent as empty strings.
 */
export function toSpringest(values: CanonicalValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(values)) {
    const wire = SPRINGEST_WIRE[field];
    if (!wire || field === 'managerEmail' || field === 'sites') continue; // the manager joins the approvers below; sites choose where it goes
    if (field === 'status') body.active = value === null ? true : value !== 'inactive';
    else if (field === 'approvers') body.approvers = ((value as Approver[] | null) ?? []).map((a) => ({ email: a.email, label: a.label ?? 'Manager', can_approve: a.canApprove ?? true }));
    else body[wire] = value === null ? '' : value;
  }
  const manager = values.managerEmail;
  if (typeof manager === 'string' && manager) {
    const approvers = (body.approvers as Array<{ email: string }> | undefined) ?? [];
    if (!approvers.some((a) => a.email.toLowerCase() === manager.toLowerCase())) body.approvers = [...approvers, { email: manager, label: 'Manager', can_approve: true }];
  }
  return body;
}
