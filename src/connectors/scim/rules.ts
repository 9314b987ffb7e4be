import type { Entity } from '../../core/model/entities.js';
import type { RuleSet } from '../../core/rules/types.js';

/**
 * SCIM 2.0 field rules (RFC 7643 §4.1, §4.2). The standard requires only userName (by default the
 * email here; externalId when the config says so) and a group's displayName; everything else is a
 * service provider's choice [guess: none required]. `active` carries the canonical status.
 */
export const SCIM_ACTIVE = {
  values: ['active', 'inactive'],
  aliases: { true: 'active', false: 'inactive', yes: 'active', no: 'inactive', enabled: 'active', disabled: 'inactive', new: 'active', '1': 'active', '0': 'inactive' },
} as const;

export const scimRules: Partial<Record<Entity, RuleSet>> = {
  users: {
    name: 'scim',
    entity: 'users',
    accepts: [
      'id', 'externalId', 'email', 'title', 'firstName', 'middleName', 'lastName', 'jobTitle', 'phone', 'mobile', 'address', 'town',
      'county', 'postcode', 'country', 'status', 'department', 'costCenter', 'companyName', 'managerEmail', 'groups', 'timeZone',
    ],
    fields: {
      status: { oneOf: SCIM_ACTIVE },
      // addresses.country is an ISO 3166-1 alpha-2 code (RFC 7643 §4.1.2).
      country: { country: 'alpha2' },
      // A manager is a user of the same service provider; one outside this run may exist there.
      managerEmail: { ref: { entity: 'users', field: 'email', severity: 'warning' } },
      groups: { ref: { entity: 'groups', field: 'label' } },
    },
    // userName comes from one of them (the email unless configured otherwise).
    oneRequired: [['email', 'externalId']],
    unique: ['id', 'externalId', 'email'],
  },
  groups: {
    name: 'scim',
    entity: 'groups',
    accepts: ['id', 'label'],
    fields: { label: { required: true } },
    unique: ['id', 'label'],
  },
};
