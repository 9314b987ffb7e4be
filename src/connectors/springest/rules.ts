import type { RuleSet } from '../../core/rules/types.js';

/** Springest Go users import (platforms.md §3, seed 003). */
export const SPRINGEST_GENDERS = {
  values: ['m', 'f'],
  aliases: { male: 'm', man: 'm', female: 'f', woman: 'f', v: 'f', vrouw: 'f' },
} as const;

export const SPRINGEST_APPROVER_LABELS = {
  values: ['Manager', 'Non-approving manager', 'Higher manager'],
  aliases: { 'non approving manager': 'Non-approving manager', 'higher-manager': 'Higher manager' },
} as const;

/** `active` on the wire; the canonical status field carries it. */
export const SPRINGEST_ACTIVE = {
  values: ['active', 'inactive'],
  aliases: { true: 'active', false: 'inactive', yes: 'active', no: 'inactive', enabled: 'active', disabled: 'inactive', new: 'active', '1': 'active', '0': 'inactive' },
} as const;

export const springestUserRules: RuleSet = {
  name: 'springest',
  entity: 'users',
  accepts: [
    'externalId', 'email', 'gender', 'firstName', 'lastName', 'phone', 'dateOfBirth', 'birthplace', 'companyName', 'address',
    'houseNumber', 'postcode', 'town', 'country', 'status', 'jobTitle', 'department', 'businessUnit', 'costCenter',
    'costCenterName', 'approvers', 'managerEmail', 'tags', 'startDate', 'endDate', 'sites',
  ],
  fields: {
    gender: { oneOf: SPRINGEST_GENDERS },
    status: { oneOf: SPRINGEST_ACTIVE },
    tags: { lowercase: true },
    // [guess] free text on the platform; normalised so "UK" and "United Kingdom" are not a change.
    country: { country: true },
    // An approver must already be an active user; users outside this run may be, so only a warning.
    approvers: { approverLabels: SPRINGEST_APPROVER_LABELS, ref: { entity: 'users', field: 'email', severity: 'warning' } },
    managerEmail: { ref: { entity: 'users', field: 'email', severity: 'warning' } },
  },
  oneRequired: [['email', 'externalId']],
  unique: ['externalId', 'email'],
};
