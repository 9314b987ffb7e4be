import { isObject, json, parseJson, str, type SandboxRequest, type SandboxResponse } from '../../http.js';
import type { Row } from '../../odata.js';
import { Table } from '../../table.js';
import { AWARDS, COURSE_DATES, JOB_ROLES } from './values.js';

/**
 * accessplanit's training feeds (HR integration guide, seed 001, flows e–i): UserCourseDate (delegates),
 * ManagerUserCourseDateAuthorisation, UserAward, and [guess] UserJobRole. Field names the guide gives
 * are [doc]; every other choice is marked [guess] here and emulated as the harder case.
 */
export const TRAINING_MODULES = ['UserCourseDate', 'ManagerUserCourseDateAuthorisation', 'UserAward', 'UserJobRole'] as const;
export type TrainingModule = (typeof TRAINING_MODULES)[number];
/** The modules kept as records; the authorisation overview is derived from the delegates. */
export type StoredTraining = Exclude<TrainingModule, 'ManagerUserCourseDateAuthorisation'>;

/**
 * The fields of each module. The guide's, plus [guess]: CourseID, CourseName, TrainingProviderID/Name
 * (it filters by course and provider but names no field), DateUpdated (flow h: "date updated"), the
 * user award's and job role's ID (`UserID~AwardID`, as the delegate's `pebrid~12368`), DateCompleted
 * and ExpiryDate ("completions and expiry dates"), the authorisation's ID (its delegate's).
 */
export const TRAINING_FIELDS: Record<TrainingModule, readonly string[]> = {
  UserCourseDate: [
    'ID', 'CourseDateID', 'CourseDateDetailsLabel', 'CourseDateStartDate', 'CourseID', 'CourseName', 'TrainingProviderID', 'TrainingProviderName',
    'UserID', 'UserFullName', 'CandidateEmailAddress', 'Status', 'CompanyID', 'CompanyName', 'ManagersEmailAddresses', 'Description', 'DateCreated', 'DateUpdated',
  ],
  ManagerUserCourseDateAuthorisation: ['ID', 'UserID', 'UserForenames', 'UserSurname', 'CourseName', 'CourseDateStartDate', 'CourseDateEndDate', 'VenueName', 'DateUpdated'],
  UserAward: ['ID', 'AwardID', 'AwardLabel', 'UserID', 'UserFullname', 'Status', 'TargetDate', 'DateCompleted', 'ExpiryDate', 'DateCreated', 'DateUpdated'],
  UserJobRole: ['ID', 'JobRoleID', 'JobRoleLabel', 'UserID', 'UserFullName', 'DateCreated', 'DateUpdated'],
};

/**
 * What a PUT may change: a delegate's Status (flow f) and its custom fields, a user award's TargetDate
 * (flow i). [guess, the strict case] any other field in a PUT is refused (400), never dropped silently;
 * nothing is created (POST) or deleted through these modules (405).
 */
const WRITABLE: Partial<Record<TrainingModule, readonly string[]>> = { UserCourseDate: ['Status'], UserAward: ['TargetDate'] };

/** "31/01/2025 09:00 - 17:00" or "06/12/2025 09:00 - 07/12/2025 13:15": the guide's way of writing a course date. */
function courseDateWords(start: string, end: string): string {
  const [d1, t1] = [start.slice(0, 10).split('-').reverse().join('/'), start.slice(11, 16)];
  const [d2, t2] = [end.slice(0, 10).split('-').reverse().join('/'), end.slice(11, 16)];
  return d1 === d2 ? `${d1} ${t1} - ${t2}` : `${d1} ${t1} - ${d2} ${t2}`;
}

/** Each seeded user's two delegates cycle through the guide's five statuses, so every one appears. */
const SEED_STATUSES = ['Provisional', 'Booked', 'In Progress', 'Completed', 'Cancelled'] as const;

/**
 * The tenant's training records for the users it holds after seeding, deterministically (by the users'
 * order): two delegates a user, two user awards (one targeted, one achieved) and one job role (the
 * first user two). Custom fields of delegates start blank.
 */
export function seedTraining(tables: Record<'User' | 'Company' | StoredTraining, Table>, delegateCustomFields: readonly string[], stamp: string): void {
  const users = tables.User.rows();
  users.forEach((user, i) => {
    const userId = str(user.ID);
    const fullName = `${str(user.Forenames)} ${str(user.Surname)}`.trim();
    const company = tables.Company.get(str(user.MainCompanyID));
    for (const n of [0, 1]) {
      const date = COURSE_DATES[(i + 2 * n) % COURSE_DATES.length]!;
      const id = `${userId}~${date.CourseDateID}`;
      const words = courseDateWords(date.Start, date.End);
      tables.UserCourseDate.set(id, {
        ID: id, CourseDateID: date.CourseDateID, CourseDateDetailsLabel: `${date.CourseName}: ${words}`, CourseDateStartDate: date.Start,
        CourseID: date.CourseID, CourseName: date.CourseName, TrainingProviderID: date.TrainingProviderID, TrainingProviderName: date.TrainingProviderName,
        UserID: userId, UserFullName: fullName, CandidateEmailAddress: user.Email ?? null, Status: SEED_STATUSES[(2 * i + n) % SEED_STATUSES.length],
        CompanyID: user.MainCompanyID ?? null, CompanyName: company?.Name ?? null, ManagersEmailAddresses: null,
        Description: `${fullName}- ${date.CourseName}: ${words}`, ...Object.fromEntries(delegateCustomFields.map((name) => [`CF_${name}`, null])),
        DateCreated: stamp, DateUpdated: stamp,
      });
    }
    for (const n of [0, 1]) {
      const award = AWARDS[(i + n) % AWARDS.length]!;
      const id = `${userId}~${award.AwardID}`;
      const achieved = n === 1;
      tables.UserAward.set(id, {
        ID: id, AwardID: award.AwardID, AwardLabel: award.AwardLabel, UserID: userId, UserFullname: fullName, Status: achieved ? 'Achieved' : 'Target',
        TargetDate: achieved ? null : '2026-06-25T00:00:00', DateCompleted: achieved ? '2024-05-14T00:00:00' : null, ExpiryDate: achieved ? '2027-05-14T00:00:00' : null,
        DateCreated: stamp, DateUpdated: stamp,
      });
    }
    for (const role of i === 0 ? [JOB_ROLES[0], JOB_ROLES[2]] : [JOB_ROLES[i % JOB_ROLES.length]!]) {
      const id = `${userId}~${role.JobRoleID}`;
      tables.UserJobRole.set(id, { ID: id, JobRoleID: role.JobRoleID, JobRoleLabel: role.JobRoleLabel, UserID: userId, UserFullName: fullName, DateCreated: stamp, DateUpdated: stamp });
    }
  });
}

/**
 * ManagerUserCourseDateAuthorisation: "an overview of Delegates requiring authentication" — the
 * delegates still Provisional [guess: which statuses it shows], with the user's names and the course
 * date's end and venue.
 */
export function authorisations(tables: Record<'User' | 'UserCourseDate', Table>): Table {
  const rows: Array<[string, Row]> = [];
  for (const d of tables.UserCourseDate.rows()) {
    if (d.Status !== 'Provisional') continue;
    const user = tables.User.get(str(d.UserID));
    const date = COURSE_DATES.find((c) => c.CourseDateID === d.CourseDateID);
    rows.push([str(d.ID), {
      ID: d.ID, UserID: d.UserID, UserForenames: user?.Forenames ?? null, UserSurname: user?.Surname ?? null, CourseName: d.CourseName ?? null,
      CourseDateStartDate: d.CourseDateStartDate ?? null, CourseDateEndDate: date?.End ?? null, VenueName: date?.VenueName ?? null, DateUpdated: d.DateUpdated,
    }]);
  }
  return new Table(rows);
}

const refused = (errors: Array<{ field: string; message: string }>): SandboxResponse => json(400, { errors }); // [guess] body shape, as the other modules

/** A date-time as the guide writes TargetDate: "2026-06-25T00:00:00" [doc example]; anything else is refused [guess: strict]. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/;

/** PUT {module}/{id}: only the fields WRITABLE names (and a delegate's custom fields the tenant has). */
export function writeTraining(
  module: TrainingModule, id: string | undefined, req: SandboxRequest, table: Table | undefined,
  settings: { delegateStatuses: readonly string[]; delegateCustomFields: readonly string[] }, stamp: string,
): SandboxResponse {
  const writable = WRITABLE[module];
  if (req.method !== 'PUT' || !writable || !table) return json(405, { message: 'The requested resource does not support this method.' });
  if (!id) return json(405, { message: 'PUT needs an ID in the path.' });
  const current = table.get(id);
  if (!current) return json(404, { message: `No ${module} with ID '${id}'` });
  const body = parseJson(req.body);
  if (!isObject(body)) return json(400, { message: 'The request body must be a JSON object.' });
  const allowed = [...writable, ...(module === 'UserCourseDate' ? settings.delegateCustomFields.map((n) => `CF_${n}`) : [])];
  const errors: Array<{ field: string; message: string }> = [];
  const changes: Row = {};
  for (const [key, value] of Object.entries(body)) {
    const field = allowed.find((f) => f.toLowerCase() === key.toLowerCase());
    if (!field) {
      errors.push({ field: key, message: /^CF_/i.test(key) ? `The custom field '${key.slice(3)}' does not exist.` : `${key} cannot be changed.` });
      continue;
    }
    changes[field] = value;
  }
  if ('Status' in changes && !settings.delegateStatuses.includes(str(changes.Status)))
    errors.push({ field: 'Status', message: `Status '${str(changes.Status)}' is not valid.` });
  if ('TargetDate' in changes && changes.TargetDate !== null && !(typeof changes.TargetDate === 'string' && DATE_TIME.test(changes.TargetDate) && !Number.isNaN(Date.parse(changes.TargetDate))))
    errors.push({ field: 'TargetDate', message: 'TargetDate is not a valid date.' });
  if (errors.length) return refused(errors);
  const next = { ...current, ...changes, DateUpdated: stamp };
  table.set(id, next);
  return { status: 200, body: next, wrote: true };
}
