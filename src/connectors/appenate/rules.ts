import type { RuleSet } from '../../core/rules/types.js';

/** Appenate users API v2 (platforms.md §2): FirstName, LastName and Email are required on create. */
export const APPENATE_WEBSITE_ROLES = {
  // The roles the brands' POST User pages name [doc: eFormsMobile "POST User"; seed 002's list ends in "…"].
  values: ['ReadOnly', 'User', 'Admin', 'EnterpriseAdmin', 'VendorAdmin', 'SuperAdmin'],
  aliases: { 'read only': 'ReadOnly', readonly: 'ReadOnly', administrator: 'Admin', 'enterprise admin': 'EnterpriseAdmin', 'vendor admin': 'VendorAdmin', 'super admin': 'SuperAdmin' },
} as const;

/** A user's licence type (`Type`) [doc: seed 002 "Standard|Premium|…"]. */
export const APPENATE_USER_TYPES = { values: ['Standard', 'Premium'] } as const;

export const appenateUserRules: RuleSet = {
  name: 'appenate',
  entity: 'users',
  accepts: ['id', 'externalId', 'firstName', 'lastName', 'email', 'status', 'country', 'websiteRole', 'groups', 'userType', 'invite'],
  fields: {
    firstName: { required: true },
    lastName: { required: true },
    email: { required: true },
    websiteRole: { oneOf: APPENATE_WEBSITE_ROLES },
    userType: { oneOf: APPENATE_USER_TYPES },
    // A user's groups are user groups by name: in the batch, or on the platform.
    groups: { ref: { entity: 'groups', field: 'label' } },
    // [guess] a country name; normalised so "UK" and "United Kingdom" are not a change.
    country: { country: true },
  },
  unique: ['id', 'externalId', 'email'],
};

/** User groups (`/api/v2/usergroup` [doc: eFormsMobile KB]): a Name, unique on the platform [guess]. */
export const appenateGroupRules: RuleSet = {
  name: 'appenate',
  entity: 'groups',
  accepts: ['id', 'label'],
  fields: { label: { required: true, maxLength: 200 } },
  unique: ['id', 'label'],
};
