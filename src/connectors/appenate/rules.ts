import type { RuleSet } from '../../core/rules/types.js';

/** Appenate users API v2 (platforms.md §2): FirstName, LastName and Email are required on create. */
export const APPENATE_WEBSITE_ROLES = {
  // [guess] the documented list ends in "…"; these are the roles named in the docs.
  values: ['ReadOnly', 'User', 'Admin', 'EnterpriseAdmin'],
  aliases: { 'read only': 'ReadOnly', readonly: 'ReadOnly', administrator: 'Admin', 'enterprise admin': 'EnterpriseAdmin' },
} as const;

export const appenateUserRules: RuleSet = {
  name: 'appenate',
  entity: 'users',
  accepts: ['id', 'externalId', 'firstName', 'lastName', 'email', 'status', 'country', 'websiteRole', 'groups'],
  fields: {
    firstName: { required: true },
    lastName: { required: true },
    email: { required: true },
    websiteRole: { oneOf: APPENATE_WEBSITE_ROLES },
    // [guess] a country name; normalised so "UK" and "United Kingdom" are not a change.
    country: { country: true },
  },
  unique: ['id', 'externalId', 'email'],
};
