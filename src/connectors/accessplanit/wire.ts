import type { CanonicalValues } from '../../core/model/canonical.js';
import type { Entity } from '../../core/model/entities.js';
import { CUSTOM_PREFIX, FIELDS, isCustomField } from '../../core/model/fields.js';
import { invert, type WireMap } from '../../core/ports.js';

/** Canonical field → accessplanit v2 wire name, per entity (platforms.md §1). */
export const ACCESSPLANIT_WIRE: Record<Entity, WireMap> = {
  users: {
    id: 'ID', externalId: 'ExternalID', title: 'Title', firstName: 'Forenames', middleName: 'MiddleNames', lastName: 'Surname', email: 'Email',
    phone: 'Phone', mobile: 'Mobile', jobTitle: 'JobTitle', gender: 'Sex', dateOfBirth: 'DOB', address: 'Address', town: 'Town',
    county: 'County', postcode: 'Postcode', country: 'Country', companyId: 'MainCompanyID', companyName: 'MainCompanyName',
    roleId: 'MainRoleID', status: 'Status', marketingOptIn: 'MarketingOptIn',
  },
  companies: {
    id: 'ID', externalId: 'ExternalID', name: 'Name', email: 'Email', mainContactUserId: 'MainContactUserID', address: 'Address',
    town: 'Town', county: 'County', postcode: 'Postcode', country: 'Country', groupIds: 'CompanyGroupIDs',
  },
  groups: { id: 'ID', label: 'Label' },
};

/** Fields the platform computes: never sent. */
const READ_ONLY = new Set(['MainCompanyName']);

/**
 * User lookup fields that are lists of strings on the wire: the vendor's own client declares `Title`,
 * `Country` and `MainRoleID` as `List<string>` (accessplanit/api-v2-demo, Models/User.cs) and posts
 * its model as it is. hrsync writes that shape and reads a list or a string.
 */
const LIST_FIELDS: Partial<Record<Entity, ReadonlySet<string>>> = { users: new Set(['Title', 'Country', 'MainRoleID']) };

/** Canonical values → a request body: dates become the platform's date-times; blanks are sent as null. */
export function toAccessplanit(entity: Entity, values: CanonicalValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(values)) {
    const wire = accessplanitField(entity, field);
    if (!wire || READ_ONLY.has(wire) || value === undefined) continue;
    if (LIST_FIELDS[entity]?.has(wire)) out[wire] = value === null || value === '' ? null : Array.isArray(value) ? value : [value];
    else out[wire] = field === 'dateOfBirth' && typeof value === 'string' ? `${value}T00:00:00` : value;
  }
  return out;
}

/** A lookup as one value: ["Mr"] → "Mr", [] → blank; several (never seen) are kept, joined with ";". */
function oneValue(value: unknown[]): string | null {
  const values = value.map((v) => (v === null || v === undefined ? '' : String(v)).trim()).filter(Boolean);
  return values.length ? values.join(';') : null;
}

const FIELD_KIND: Record<Entity, Map<string, string>> = {
  users: new Map(FIELDS.users.map((d) => [d.name, d.kind])),
  companies: new Map(FIELDS.companies.map((d) => [d.name, d.kind])),
  groups: new Map(FIELDS.groups.map((d) => [d.name, d.kind])),
};

const FROM_WIRE: Record<Entity, Record<string, string>> = {
  users: invert(ACCESSPLANIT_WIRE.users),
  companies: invert(ACCESSPLANIT_WIRE.companies),
  groups: invert(ACCESSPLANIT_WIRE.groups),
};

/** A record as the API returns it → canonical values (dates back to yyyy-mm-dd; unknown fields dropped). */
export function fromAccessplanit(entity: Entity, row: Record<string, unknown>): CanonicalValues {
  const out: CanonicalValues = {};
  for (const [wire, value] of Object.entries(row)) {
    const field = FROM_WIRE[entity][wire] ?? (entity === 'users' && wire.startsWith('CF_') && wire.length > 3 ? `${CUSTOM_PREFIX}${wire.slice(3)}` : undefined);
    if (!field) continue;
    if (value === null || value === undefined || value === '') out[field] = null;
    else if (field === 'dateOfBirth') out[field] = String(value).slice(0, 10);
    else if (field === 'groupIds') out[field] = Array.isArray(value) ? value.map(String) : String(value).split(/[;,]/).filter(Boolean);
    else if (Array.isArray(value) && FIELD_KIND[entity].get(field) !== 'list') out[field] = oneValue(value); // a lookup list, whatever field
    else if (typeof value === 'boolean' || Array.isArray(value)) out[field] = value as boolean | string[];
    else out[field] = String(value);
  }
  return out;
}

/** The wire name of a canonical field (a user's custom.<name> is CF_<name> [guess]); also for filters pushed down to the server. */
export function accessplanitField(entity: Entity, field: string): string | undefined {
  return ACCESSPLANIT_WIRE[entity][field] ?? (entity === 'users' && isCustomField(field) ? `CF_${field.slice(CUSTOM_PREFIX.length)}` : undefined);
}
