import { UsageError } from '../../errors.js';
import type { HttpClient } from '../../http/client.js';
import { connect, type ConnectionSettings } from '../connection.js';
import type { CanonicalValues } from '../../model/canonical.js';
import type { Target, WireMap } from '../types.js';

export interface SpringestSite {
  baseUrl: string;
  apiKey: string;
}

export interface SpringestSettings extends ConnectionSettings {
  name: string;
  /** Site name → where it is and its key: every user goes to every site. */
  sites: Record<string, SpringestSite>;
}

/** Canonical field → Springest's import field (platforms.md §3). */
export const SPRINGEST_WIRE: WireMap = {
  externalId: 'external_id', email: 'email', gender: 'gender', firstName: 'first_name', lastName: 'last_name', phone: 'phone_number',
  dateOfBirth: 'birthdate', birthplace: 'birthplace', companyName: 'company_name', address: 'address', houseNumber: 'house_number',
  postcode: 'zip_code', town: 'city', country: 'country', status: 'active', jobTitle: 'job_title', department: 'department_name',
  businessUnit: 'business_unit', costCenter: 'cost_center', costCenterName: 'cost_center_name', approvers: 'approvers', tags: 'tags',
  startDate: 'employment_start_date', endDate: 'employment_end_date',
};

/** A probe no real user has, to check a key without touching data. */
const PROBE = '__hrsync_check__';

/**
 * Springest Go users import: users only, written by upsert; looked up by external_id. It has no
 * endpoint that lists users, so `list` says so rather than pretend.
 */
export class SpringestTarget implements Target {
  readonly type = 'springest' as const;
  readonly entities = ['users'] as const;
  readonly can = { list: false, lookup: true, write: true };
  readonly wire = { users: SPRINGEST_WIRE };
  readonly label: string;
  private readonly clients: Array<{ site: string; http: HttpClient; key: string }>;

  constructor(private readonly settings: SpringestSettings) {
    this.label = `springest "${settings.name}"`;
    const keys = Object.values(settings.sites).map((s) => s.apiKey);
    this.clients = Object.entries(settings.sites).map(([site, s]) => ({
      site,
      key: s.apiKey,
      http: connect(s.baseUrl, `${this.label} site ${site}`, settings, () => keys),
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

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.http.close()));
  }
}
