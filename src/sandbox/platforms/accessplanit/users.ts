import { createHash } from 'node:crypto';
import { str } from '../../http.js';
import { dateValue, type Row } from '../../odata.js';
import type { Table } from '../../table.js';
import { USER_MODEL, USER_READ_ONLY } from './user-model.js';

/**
 * A User as the API answers it: every property of the vendor's model (user-model.ts), the stored ones
 * as stored and the rest derived. Choices where the demo is silent, each [guess]:
 * - an unset date is null (the demo skips nulls when it reads), a set one the platform's ISO date-time
 *   without zone (`1980-02-29T00:00:00`, as System.Text.Json writes a DateTime); an unset bool false; a
 *   count a number; an empty list [] (or null when lookups are strings); an empty ID list null;
 * - ID lists (`ManagerUsersIDs`, `UserCompaniesIDs`, `ManagedCompaniesIDs`) are strings joined with
 *   commas, names and e-mails derived from them joined with "; ";
 * - `UserCompaniesIDs` starts with the main company (`userCompaniesWithMain`, the default: a user's
 *   "user companies" include the main one, as `MainUserCompanyStartDate` suggests) or holds only the others;
 * - `MyDirectManagersEmailAddresses`: the e-mails of `ManagerUsersIDs`; `MyManagersEmailAddresses` also
 *   those of users who manage one of the user's companies (`ManagedCompaniesIDs`); `MyEmployerEmailAddresses`
 *   the main company's e-mail; `ManagedUsersIDs`/`Names` the users who name this one as a manager;
 * - `Fullname` "Forenames Surname", `FullAddress` the address lines joined with ", ", `UniqueID` made on
 *   create (a hash of the ID for a record stored before it existed), `ActiveCoursesCount` the delegates
 *   not Completed or Cancelled, `AwardsCount` the user's awards; invoices, tasks, notes and
 *   opportunities are not emulated: 0.
 */
export interface UserWorld {
  User: Table;
  Company: Table;
  UserCourseDate: Table;
  UserAward: Table;
}

/** The IDs of an ID-list string ("A, B" → [A, B]). */
export const idsOf = (value: unknown): string[] => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : []);

interface Derived {
  key: string;
  /** The tables it was computed from: a state loaded or reset anew has tables of its own. */
  tables: Table[];
  courses: Map<string, number>;
  awards: Map<string, number>;
}
const cache = new WeakMap<UserWorld, Derived>();

const tally = (table: Table, keep: (row: Row) => boolean) => {
  const counts = new Map<string, number>();
  for (const row of table.rows()) if (keep(row)) counts.set(str(row.UserID), (counts.get(str(row.UserID)) ?? 0) + 1);
  return counts;
};

/**
 * What one user's answer needs of the training tables, computed once per version of them. Who manages
 * whom is not here: it is read through the User table's list indexes (Table.having), kept up to date on
 * every write. (Recomputed over every user on each write that named a manager, it held a first import
 * of 120,000 people with managers to ~57 creates a second: issue 22 goal 7.)
 */
function derived(world: UserWorld): Derived {
  const key = [world.UserCourseDate.version, world.UserAward.version].join('.');
  const tables = [world.UserCourseDate, world.UserAward];
  const known = cache.get(world);
  if (known?.key === key && known.tables.every((t, i) => t === tables[i])) return known;
  const courses = tally(world.UserCourseDate, (d) => !['Completed', 'Cancelled'].includes(str(d.Status)));
  const next = { key, tables, courses, awards: tally(world.UserAward, () => true) };
  cache.set(world, next);
  return next;
}

const join = (values: Array<string | null | undefined>, by: string): string | null => {
  const kept = [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))];
  return kept.length ? kept.join(by) : null;
};

/** The model's properties and types, in its order. */
const MODEL = Object.entries(USER_MODEL);
/** The model's properties by their name in lower case (a write's keys are matched ignoring case). */
const MODEL_LOWER = new Map(MODEL.map(([name, type]) => [name.toLowerCase(), { name, type }]));

/** A user made from a stored row (the writable properties), every property of the model present. */
export function presentUser(row: Row, world: UserWorld, options: { lookupLists: boolean; userCompaniesWithMain: boolean }): Row {
  const out: Row = {};
  for (const [name, type] of MODEL) {
    const value = row[name];
    if (type === 'list') {
      const values = Array.isArray(value) ? value.map(str).filter(Boolean) : str(value) ? [str(value)] : [];
      out[name] = options.lookupLists ? values : (values[0] ?? null);
    } else if (type === 'bool') out[name] = value === true;
    else if (type === 'int') out[name] = typeof value === 'number' ? value : 0;
    else out[name] = value === undefined || value === '' ? null : value;
  }
  for (const name of Object.keys(row)) if (name.startsWith('CF_')) out[name] = row[name];
  return Object.assign(out, computed(row, world, options));
}

/** The read-only properties of one user. */
function computed(row: Row, world: UserWorld, options: { userCompaniesWithMain: boolean }): Row {
  const id = str(row.ID);
  const d = derived(world);
  const user = (uid: string) => world.User.get(uid);
  const company = world.Company.get(str(row.MainCompanyID));
  const managers = idsOf(row.ManagerUsersIDs);
  const companies = [str(row.MainCompanyID), ...idsOf(row.UserCompaniesIDs)].filter(Boolean);
  const companyManagers = companies.flatMap((c) => world.User.having('ManagedCompaniesIDs', c, idsOf));
  const others = idsOf(row.UserCompaniesIDs).filter((c) => c !== str(row.MainCompanyID));
  const reports = world.User.having('ManagerUsersIDs', id, idsOf);
  return {
    MainCompanyName: company ? (company.Name ?? null) : null,
    MainCompanyCompanyGroupIDs: company && Array.isArray(company.CompanyGroupIDs) ? join(company.CompanyGroupIDs.map(str), ',') : null,
    MainCompanyGroupID: company && Array.isArray(company.CompanyGroupIDs) ? (str(company.CompanyGroupIDs[0]) || null) : null,
    UserCompaniesIDs: join(options.userCompaniesWithMain ? [str(row.MainCompanyID), ...others] : others, ','),
    ManagerUsersNames: join(managers.map((m) => fullName(user(m))), '; '),
    MyDirectManagersEmailAddresses: join(managers.map((m) => str(user(m)?.Email)), '; '),
    MyManagersEmailAddresses: join([...managers, ...companyManagers].filter((m) => m !== id).map((m) => str(user(m)?.Email)), '; '),
    MyEmployerEmailAddresses: company ? (str(company.Email) || null) : null,
    ManagedUsersIDs: join(reports, ','),
    ManagedUsersNames: join(reports.map((r) => fullName(user(r))), '; '),
    ManagedCompaniesLabels: join(idsOf(row.ManagedCompaniesIDs).map((c) => str(world.Company.get(c)?.Name)), '; '),
    Fullname: fullName(row),
    FullAddress: join(['Address', 'Town', 'County', 'Postcode'].map((f) => str(row[f])).concat(Array.isArray(row.Country) ? row.Country.map(str) : [str(row.Country)]), ', '),
    HasEmail: str(row.Email) !== '',
    UniqueID: str(row.UniqueID) || uniqueIdOf(id),
    ActiveCoursesCount: d.courses.get(id) ?? 0,
    AwardsCount: d.awards.get(id) ?? 0,
  };
}

const fullName = (row: Row | undefined): string | null => (row ? join([str(row.Forenames), str(row.Surname)], ' ') : null);

/** A Guid for a user stored before UniqueID was kept: the same one every time. */
export function uniqueIdOf(id: string): string {
  const h = createHash('sha256').update(`accessplanit-user:${id}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type FieldError = { field: string; message: string };

/**
 * A write's User properties, refused where a .NET API would refuse the JSON (a string for a list, a
 * list for a string, a quoted boolean or number, a date it cannot read) and, unless `readOnlyWrites`
 * is 'ignore', where they name what the platform keeps itself (`X cannot be changed.`).
 */
export function checkUserWrite(body: Row, options: { lookupLists: boolean; readOnlyWrites: 'refuse' | 'ignore' }): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(body)) {
    const known = MODEL_LOWER.get(key.toLowerCase());
    if (!known || value === null || value === undefined) continue;
    const { name, type } = known;
    if (USER_READ_ONLY.has(name)) {
      if (options.readOnlyWrites === 'refuse') errors.push({ field: name, message: `${name} cannot be changed.` });
      continue;
    }
    const wrong = (clr: string) => errors.push({ field: name, message: `Error converting value ${JSON.stringify(value)} to type '${clr}'.` }); // [guess] wording
    if (type === 'list' && options.lookupLists && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) wrong('System.Collections.Generic.List`1[System.String]');
    else if ((type === 'string' || type === 'guid') && typeof value !== 'string') wrong('System.String');
    else if (type === 'bool' && typeof value !== 'boolean') wrong('System.Boolean');
    else if (type === 'int' && !Number.isInteger(value)) wrong('System.Int32');
    else if (type === 'date' && (typeof value !== 'string' || dateValue(value) === null)) wrong('System.DateTime');
  }
  return errors;
}
