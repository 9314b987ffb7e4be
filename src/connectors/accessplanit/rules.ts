import type { Entity } from '../../core/model/entities.js';
import type { RuleSet, ValueList } from '../../core/rules/types.js';

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

const USER_FIELDS = [
  'id', 'externalId', 'title', 'firstName', 'middleName', 'lastName', 'email', 'phone', 'mobile', 'jobTitle', 'gender',
  'dateOfBirth', 'address', 'town', 'county', 'postcode', 'country', 'companyId', 'companyName', 'roleId', 'status', 'marketingOptIn',
] as const;

export const accessplanitRules: Record<Entity, RuleSet> = {
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
};
