import type { Entity } from '../../core/model/entities.js';
import type { RuleSet, ValueList } from '../../core/rules/types.js';
import { ACCESSPLANIT_WIRE } from './wire.js';

/**
 * accessplanit API v2 field rules (platforms.md §1, seed 000). Titles and statuses are not published:
 * [guess] the titles below and the statuses Enabled/New/Disabled. Kept here, in one place.
 */
export const ACCESSPLANIT_TITLES: ValueList = {
  values: ['Mr', 'Mrs', 'Ms', 'Miss', 'Mx', 'Dr', 'Prof', 'Rev', 'Sir', 'Dame', 'Lady', 'Lord'],
  aliases: { 'mr.': 'Mr', 'mrs.': 'Mrs', 'ms.': 'Ms', 'dr.': 'Dr', 'prof.': 'Prof', professor: 'Prof', doctor: 'Dr', 'rev.': 'Rev' },
};

export const ACCESSPLANIT_STATUSES: ValueList = {
  values: ['Enabled', 'New', 'Disabled'],
  aliases: { active: 'Enabled', inactive: 'Disabled', true: 'Enabled', false: 'Disabled', disabled: 'Disabled', terminated: 'Disabled' },
};

/**
 * A delegate's status on a course. The HR guide (seed 001, flows e–h) names these five; a tenant may
 * have more [guess: none assumed]. An HR approval file's words map onto them: approved → Booked (flow f
 * sets 'Booked' when HR approves), rejected/declined → Cancelled [guess: the guide does not say what
 * a rejection sets].
 */
export const DELEGATE_STATUSES: ValueList = {
  values: ['Provisional', 'Booked', 'In Progress', 'Completed', 'Cancelled'],
  aliases: { approved: 'Booked', approve: 'Booked', booked: 'Booked', rejected: 'Cancelled', declined: 'Cancelled', cancelled: 'Cancelled', canceled: 'Cancelled', inprogress: 'In Progress', 'in-progress': 'In Progress' },
};

const USER_FIELDS = [
  'id', 'externalId', 'title', 'firstName', 'middleName', 'lastName', 'email', 'phone', 'mobile', 'jobTitle', 'gender',
  'dateOfBirth', 'address', 'town', 'county', 'postcode', 'country', 'companyId', 'companyName', 'roleId', 'status', 'marketingOptIn',
  'costCenter', 'managerEmail', 'secondaryCompanyIds',
] as const;

/** Rules for what hrsync writes; authorisations and job roles are read only (exported, never imported). */
export const accessplanitRules: Partial<Record<Entity, RuleSet>> = {
  users: {
    name: 'accessplanit',
    entity: 'users',
    accepts: USER_FIELDS,
    // The tenant's user custom fields (CF_<name> columns): text, passed through [seed 001: the User feed carries them].
    customFields: true,
    fields: {
      id: { maxLength: 10 },
      firstName: { required: true, maxLength: 50 },
      middleName: { maxLength: 250 },
      lastName: { required: true, maxLength: 40 },
      title: { oneOf: ACCESSPLANIT_TITLES },
      country: { country: true },
      status: { oneOf: ACCESSPLANIT_STATUSES },
      companyId: { required: true, ref: { entity: 'companies', field: 'id' } },
      secondaryCompanyIds: { ref: { entity: 'companies', field: 'id' } },
      // The manager must be a user of the platform when the user is written (created first in the same run).
      managerEmail: { ref: { entity: 'users', field: 'email', severity: 'warning' } },
    },
    unique: ['id', 'externalId', 'email'],
  },
  companies: {
    name: 'accessplanit',
    entity: 'companies',
    accepts: ['id', 'externalId', 'name', 'email', 'mainContactUserId', 'address', 'town', 'county', 'postcode', 'country', 'groupIds'],
    fields: {
      name: { required: true },
      mainContactUserId: { ref: { entity: 'users', field: 'id' } },
      groupIds: { required: true, ref: { entity: 'groups', field: 'id' } },
    },
    unique: ['id', 'externalId', 'name'],
  },
  groups: {
    name: 'accessplanit',
    entity: 'groups',
    accepts: ['id', 'label'],
    fields: { label: { required: true } },
    unique: ['id', 'label'],
  },
  // Training records: only updated (flow f: a delegate's Status; flow i: a user award's TargetDate). A
  // row names its record by id, or by user and course date (award); the other columns are read only.
  delegates: {
    name: 'accessplanit',
    entity: 'delegates',
    accepts: Object.keys(ACCESSPLANIT_WIRE.delegates),
    customFields: true,
    fields: { status: { required: true, oneOf: DELEGATE_STATUSES } },
    oneRequired: [['id', 'userId'], ['id', 'courseDateId']],
    unique: ['id'],
  },
  awards: {
    name: 'accessplanit',
    entity: 'awards',
    accepts: Object.keys(ACCESSPLANIT_WIRE.awards),
    fields: { targetDate: { required: true } },
    oneRequired: [['id', 'userId'], ['id', 'awardId']],
    unique: ['id'],
  },
};
