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
    roleId: 'MainRoleID', status: 'Status', marketingOptIn: 'MarketingOptIn', costCenter: 'CostCentre',
    // [code] names and types from the demo's Models/User.cs; what they hold is [guess] (docs/platforms.md):
    // manager user IDs and the other companies' IDs, each joined with commas. The manager is an email in
    // hrsync and an ID on the wire: the target resolves it (MANAGER below).
    managerEmail: 'ManagerUsersIDs', secondaryCompanyIds: 'UserCompaniesIDs',
  },
  companies: {
    id: 'ID', externalId: 'ExternalID', name: 'Name', email: 'Email', mainContactUserId: 'MainContactUserID', address: 'Address',
    town: 'Town', county: 'County', postcode: 'Postcode', country: 'Country', groupIds: 'CompanyGroupIDs',
  },
  groups: { id: 'ID', label: 'Label' },
  // The training feeds (seed 001, flows e–i). Names the guide gives are [doc]; the rest are [guess]:
  // CourseID, CourseName, TrainingProviderID/Name on UserCourseDate (the guide filters by course and
  // training provider but names no field), DateUpdated (flow h's "date updated"), the UserAward and
  // UserJobRole IDs, DateCompleted and ExpiryDate ("completions and expiry dates"), and the whole
  // UserJobRole module (the guide names no job-role endpoint).
  delegates: {
    id: 'ID', userId: 'UserID', courseDateId: 'CourseDateID', courseDateLabel: 'CourseDateDetailsLabel', courseDateStart: 'CourseDateStartDate',
    courseId: 'CourseID', courseName: 'CourseName', trainingProviderId: 'TrainingProviderID', trainingProviderName: 'TrainingProviderName',
    userFullName: 'UserFullName', email: 'CandidateEmailAddress', status: 'Status', companyId: 'CompanyID', companyName: 'CompanyName',
    managerEmails: 'ManagersEmailAddresses', description: 'Description', dateCreated: 'DateCreated', dateUpdated: 'DateUpdated',
  },
  authorisations: {
    id: 'ID', userId: 'UserID', firstName: 'UserForenames', lastName: 'UserSurname', courseName: 'CourseName', courseDateStart: 'CourseDateStartDate',
    courseDateEnd: 'CourseDateEndDate', venueName: 'VenueName', dateUpdated: 'DateUpdated',
  },
  awards: {
    id: 'ID', awardId: 'AwardID', awardLabel: 'AwardLabel', userId: 'UserID', userFullName: 'UserFullname', status: 'Status', targetDate: 'TargetDate',
    completedDate: 'DateCompleted', expiryDate: 'ExpiryDate', dateUpdated: 'DateUpdated',
  },
  jobroles: { id: 'ID', jobRoleId: 'JobRoleID', jobRoleLabel: 'JobRoleLabel', userId: 'UserID', userFullName: 'UserFullName', dateUpdated: 'DateUpdated' },
};

/** Entities whose records carry the tenant's custom fields as CF_<name> properties [guess: the shape]. */
export const CUSTOM_FIELD_ENTITIES: readonly Entity[] = ['users', 'delegates'];

/** Whether a wire property is one of the tenant's custom fields (CF_<name>). */
export const isCustomProperty = (wire: string): boolean => wire.startsWith('CF_') && wire.length > 3;

/**
 * The properties a list asks for ($select, issue 22: a User has ~107, the mapping reads 25): every wire
 * property the mapping below turns into a canonical field — so the ID, the main company a user's other
 * companies are told from, and the manager's IDs the target resolves too — and the tenant's custom
 * fields (`custom`: CF_ names, for an entity that has them). From the same table fromAccessplanit reads:
 * a field added to the mapping is asked for with it.
 */
export function wireSelection(entity: Entity, custom: readonly string[] = []): string[] {
  return [...new Set([...Object.values(ACCESSPLANIT_WIRE[entity]), ...(CUSTOM_FIELD_ENTITIES.includes(entity) ? custom.filter(isCustomProperty) : [])])];
}

/**
 * Wire fields that are numbers, not strings [guess: CourseDateID "e.g. 12368" is an integer key]: a
 * $filter compares them with a number literal, never a quoted one.
 */
export const NUMERIC_FIELDS: ReadonlySet<string> = new Set(['CourseDateID']);

/** Fields the platform computes: never sent. */
const READ_ONLY = new Set(['MainCompanyName']);

/** The user's managers: user IDs on the wire, joined with commas; hrsync's managerEmail is the first one's email, found by the target. */
export const MANAGER = 'ManagerUsersIDs';
/** An ID-list string → its IDs ("A,B" → [A, B]). */
export const idsIn = (value: unknown): string[] => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : []);

/** Canonical fields a $filter cannot be pushed down for: their wire form is not their canonical value. */
export const NOT_FILTERABLE: ReadonlySet<string> = new Set(['managerEmail', 'secondaryCompanyIds']);

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
    if (!wire || READ_ONLY.has(wire) || wire === MANAGER || value === undefined) continue;
    if (wire === 'UserCompaniesIDs') {
      const others = (Array.isArray(value) ? value : value ? [value] : []).map(String).filter((c) => c && c !== values.companyId);
      out[wire] = others.length ? [...new Set(others)].join(',') : null;
      continue;
    }
    if (LIST_FIELDS[entity]?.has(wire)) out[wire] = value === null || value === '' ? null : Array.isArray(value) ? value : [value];
    else out[wire] = FIELD_KIND[entity].get(field) === 'date' && typeof value === 'string' ? `${value}T00:00:00` : value;
  }
  return out;
}

/** A lookup as one value: ["Mr"] → "Mr", [] → blank; several (never seen) are kept, joined with ";". */
function oneValue(value: unknown[]): string | null {
  const values = value.map((v) => (v === null || v === undefined ? '' : String(v)).trim()).filter(Boolean);
  return values.length ? values.join(';') : null;
}

const FIELD_KIND = Object.fromEntries(Object.entries(FIELDS).map(([entity, defs]) => [entity, new Map(defs.map((d) => [d.name, d.kind]))])) as Record<Entity, Map<string, string>>;

const FROM_WIRE = Object.fromEntries(Object.entries(ACCESSPLANIT_WIRE).map(([entity, map]) => [entity, invert(map)])) as Record<Entity, Record<string, string>>;

/** A record as the API returns it → canonical values (dates back to yyyy-mm-dd; unknown fields dropped). */
export function fromAccessplanit(entity: Entity, row: Record<string, unknown>): CanonicalValues {
  const out: CanonicalValues = {};
  for (const [wire, value] of Object.entries(row)) {
    const field = FROM_WIRE[entity][wire] ?? (CUSTOM_FIELD_ENTITIES.includes(entity) && isCustomProperty(wire) ? `${CUSTOM_PREFIX}${wire.slice(3)}` : undefined);
    if (!field || wire === MANAGER) continue;
    if (wire === 'UserCompaniesIDs') {
      // [guess] the answer may start with the main company: hrsync's field holds only the others.
      const others = idsIn(value).filter((c) => c !== row.MainCompanyID);
      out[field] = others.length ? others : null;
    } else if (value === null || value === undefined || value === '') out[field] = null;
    else if (FIELD_KIND[entity].get(field) === 'date') out[field] = String(value).slice(0, 10);
    else if (field === 'groupIds') out[field] = Array.isArray(value) ? value.map(String) : String(value).split(/[;,]/).filter(Boolean);
    else if (Array.isArray(value) && FIELD_KIND[entity].get(field) !== 'list') out[field] = oneValue(value); // a lookup list, whatever field
    else if (typeof value === 'boolean' || Array.isArray(value)) out[field] = value as boolean | string[];
    else out[field] = String(value);
  }
  return out;
}

/** The wire name of a canonical field (a user's or delegate's custom.<name> is CF_<name> [guess]); also for filters pushed down to the server. */
export function accessplanitField(entity: Entity, field: string): string | undefined {
  return ACCESSPLANIT_WIRE[entity][field] ?? (CUSTOM_FIELD_ENTITIES.includes(entity) && isCustomField(field) ? `CF_${field.slice(CUSTOM_PREFIX.length)}` : undefined);
}
