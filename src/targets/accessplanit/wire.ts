import type { CanonicalValues } from '../../model/canonical.js';
import type { Entity } from '../../model/entities.js';

/** Canonical field → accessplanit v2 wire name, per entity (platforms.md §1). */
export const ACCESSPLANIT_WIRE: Record<Entity, Readonly<Record<string, string>>> = {
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

/** Canonical values → a request body: dates become the platform's date-times; blanks are sent as null. */
export function toAccessplanit(entity: Entity, values: CanonicalValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(values)) {
    const wire = ACCESSPLANIT_WIRE[entity][field];
    if (!wire || READ_ONLY.has(wire) || value === undefined) continue;
    out[wire] = field === 'dateOfBirth' && typeof value === 'string' ? `${value}T00:00:00` : value;
  }
  return out;
}
