import type { CanonicalValues, FieldValue } from '../../core/model/canonical.js';
import type { WireMap } from '../../core/ports.js';

/**
 * SCIM 2.0 (RFC 7643) resources ⇄ canonical records. Users: the core User schema and the enterprise
 * extension; groups: displayName. Where a canonical field lives in a multi-valued attribute
 * (emails, phoneNumbers, addresses) it is the primary value, else the one of the usual type.
 */
export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type Resource = Record<string, unknown>;
type MultiValue = { value?: unknown; type?: unknown; primary?: unknown; display?: unknown } & Record<string, unknown>;

/** Canonical field → the SCIM attribute it is read from and written to (for messages, exports with --wire and filters). */
export const SCIM_USER_WIRE: WireMap = {
  id: 'id', externalId: 'externalId', email: 'emails', title: 'name.honorificPrefix', firstName: 'name.givenName', middleName: 'name.middleName',
  lastName: 'name.familyName', jobTitle: 'title', phone: 'phoneNumbers', mobile: 'phoneNumbers', address: 'addresses.streetAddress',
  town: 'addresses.locality', county: 'addresses.region', postcode: 'addresses.postalCode', country: 'addresses.country', status: 'active',
  department: `${ENTERPRISE}:department`, costCenter: `${ENTERPRISE}:costCenter`, companyName: `${ENTERPRISE}:organization`,
  managerEmail: `${ENTERPRISE}:manager`, groups: 'groups', timeZone: 'timezone',
};
export const SCIM_GROUP_WIRE: WireMap = { id: 'id', label: 'displayName' };

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);
const list = (v: unknown): MultiValue[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as MultiValue[]) : []);
const object = (v: unknown): Resource => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Resource) : {});

/** The value of a multi-valued attribute of this type: typed first, then primary, then the only one. */
function pick(values: MultiValue[], type: string, fallback = true): MultiValue | undefined {
  return values.find((v) => String(v.type ?? '').toLowerCase() === type) ?? (fallback ? (values.find((v) => v.primary === true) ?? (values.length === 1 ? values[0] : undefined)) : undefined);
}

/** A SCIM user → canonical values. `managerEmail` needs another lookup (the manager is an id): the caller fills it. */
export function fromScimUser(resource: Resource): CanonicalValues {
  const name = object(resource.name);
  const enterprise = object(resource[ENTERPRISE]);
  const emails = list(resource.emails);
  const phones = list(resource.phoneNumbers);
  const address = pick(list(resource.addresses), 'work') ?? {};
  const email = text(emails.find((e) => e.primary === true)?.value) ?? text(pick(emails, 'work')?.value) ?? text(emails[0]?.value);
  const groups = list(resource.groups).map((g) => text(g.display)).filter((g): g is string => g !== null);
  return {
    id: text(resource.id),
    externalId: text(resource.externalId) ?? text(enterprise.employeeNumber),
    email,
    title: text(name.honorificPrefix),
    firstName: text(name.givenName),
    middleName: text(name.middleName),
    lastName: text(name.familyName),
    jobTitle: text(resource.title),
    phone: text(pick(phones, 'work', false)?.value),
    mobile: text(pick(phones, 'mobile', false)?.value),
    address: text(address.streetAddress),
    town: text(address.locality),
    county: text(address.region),
    postcode: text(address.postalCode),
    country: text(address.country),
    status: resource.active === false ? 'inactive' : 'active',
    department: text(enterprise.department),
    costCenter: text(enterprise.costCenter),
    companyName: text(enterprise.organization),
    groups: groups.length ? groups : null,
    // RFC 7643 §4.1.1: the user's time zone in the "Olson" (IANA) format, e.g. "America/Los_Angeles".
    timeZone: text(resource.timezone),
  };
}

export function fromScimGroup(resource: Resource): CanonicalValues {
  return { id: text(resource.id), label: text(resource.displayName) };
}

/** A value, or undefined to leave the attribute out; null (a blank asked to be cleared) clears it. */
type Change = FieldValue | null | undefined;
const str = (v: Change): string | null | undefined => (v === undefined ? undefined : v === null ? null : String(v));

/** Sets or clears one sub-attribute of a complex attribute. */
function setIn(target: Resource, key: string, value: string | null | undefined): void {
  if (value === undefined) return;
  if (value === null || value === '') delete target[key];
  else target[key] = value;
}

/** name.formatted and displayName from the name parts (RFC 7643 §4.1.1: "the full name … formatted for display"). */
function deriveNames(out: Resource, name: Resource): void {
  const part = (key: string) => (typeof name[key] === 'string' ? (name[key] as string).trim() : '');
  const formatted = ['honorificPrefix', 'givenName', 'middleName', 'familyName'].map(part).filter(Boolean).join(' ');
  const display = ['givenName', 'familyName'].map(part).filter(Boolean).join(' ');
  setIn(name, 'formatted', formatted || null);
  setIn(out, 'displayName', display || null);
}

/** Sets the value of the typed entry of a multi-valued attribute, keeping every other entry as it was. */
function setTyped(values: MultiValue[], type: string, value: string | null | undefined, primary = false): MultiValue[] {
  if (value === undefined) return values;
  const others = values.filter((v) => String(v.type ?? '').toLowerCase() !== type && !(primary && v.primary === true));
  const existing = values.find((v) => String(v.type ?? '').toLowerCase() === type) ?? (primary ? values.find((v) => v.primary === true) : undefined);
  if (value === null || value === '') return others;
  return [...others, { ...existing, value, type, ...(primary ? { primary: true } : {}) }];
}

export interface UserShape {
  /** Which canonical field becomes userName. */
  userName: 'email' | 'externalId';
  /**
   * 'derive' (the default): when a name part is written, name.formatted and displayName follow it
   * ("Dr Ann B Lee", "Ann Lee"), since some providers store them as sent and never derive them.
   * 'none': they are left as the provider has them.
   */
  names?: 'derive' | 'none';
  /** Whether the provider offers the enterprise extension (discovery); when it does not, nothing of it is sent. */
  enterprise?: boolean;
  /** The manager's SCIM id, when the values name a manager (found by the connector). */
  managerId?: string | null;
}

/**
 * Applies canonical values onto a SCIM user (a fresh one for a create, the current one for an
 * update): only the fields given change; other attributes and other entries of multi-valued
 * attributes stay as they were.
 */
export function toScimUser(values: CanonicalValues, base: Resource, shape: UserShape): Resource {
  const out: Resource = structuredClone(base);
  const schemas = new Set<string>(Array.isArray(out.schemas) ? (out.schemas as string[]) : [CORE_USER]);
  schemas.add(CORE_USER);
  const v = (field: string): Change => (field in values ? values[field] : undefined);
  const userName = v(shape.userName);
  if (typeof userName === 'string' && userName) out.userName = userName;
  if (v('externalId') !== undefined) setIn(out, 'externalId', str(v('externalId')));
  const name = object(out.name);
  setIn(name, 'honorificPrefix', str(v('title')));
  setIn(name, 'givenName', str(v('firstName')));
  setIn(name, 'middleName', str(v('middleName')));
  setIn(name, 'familyName', str(v('lastName')));
  const parts = ['title', 'firstName', 'middleName', 'lastName'].some((f) => f in values);
  if (parts && (shape.names ?? 'derive') === 'derive') deriveNames(out, name);
  if (Object.keys(name).length) out.name = name;
  else delete out.name;
  setIn(out, 'title', str(v('jobTitle')));
  const emails = setTyped(list(out.emails), 'work', str(v('email')), true);
  if (emails.length) out.emails = emails;
  else delete out.emails;
  const phones = setTyped(setTyped(list(out.phoneNumbers), 'work', str(v('phone'))), 'mobile', str(v('mobile')));
  if (phones.length) out.phoneNumbers = phones;
  else delete out.phoneNumbers;
  const addresses = list(out.addresses);
  const work = { ...(pick(addresses, 'work') ?? { type: 'work' }) };
  setIn(work, 'streetAddress', str(v('address')));
  setIn(work, 'locality', str(v('town')));
  setIn(work, 'region', str(v('county')));
  setIn(work, 'postalCode', str(v('postcode')));
  setIn(work, 'country', str(v('country')));
  const others = addresses.filter((a) => a !== pick(addresses, 'work'));
  const kept = Object.keys(work).some((k) => k !== 'type' && k !== 'primary') ? [...others, work] : others;
  if (kept.length) out.addresses = kept;
  else delete out.addresses;
  setIn(out, 'timezone', str(v('timeZone')));
  const status = v('status');
  if (status !== undefined) out.active = status !== 'inactive';
  if (shape.enterprise === false) {
    delete out[ENTERPRISE];
    schemas.delete(ENTERPRISE);
    return finish(out, schemas);
  }
  const enterprise = object(out[ENTERPRISE]);
  if (v('externalId') !== undefined) setIn(enterprise, 'employeeNumber', str(v('externalId')));
  setIn(enterprise, 'department', str(v('department')));
  setIn(enterprise, 'costCenter', str(v('costCenter')));
  setIn(enterprise, 'organization', str(v('companyName')));
  if (shape.managerId !== undefined) {
    if (shape.managerId === null) delete enterprise.manager;
    else enterprise.manager = { value: shape.managerId };
  }
  if (Object.keys(enterprise).length) {
    out[ENTERPRISE] = enterprise;
    schemas.add(ENTERPRISE);
  } else {
    delete out[ENTERPRISE];
    schemas.delete(ENTERPRISE);
  }
  return finish(out, schemas);
}

/** What is never sent back (read only on the server), and the schemas the resource now uses. */
function finish(out: Resource, schemas: Set<string>): Resource {
  delete out.meta;
  delete out.groups;
  out.schemas = [...schemas];
  return out;
}
