import { connectionSettings } from '../config.js';
import { defineConnector } from '../types.js';
import { appenateGroupRules, appenateUserRules } from './rules.js';

/** Appenate API v2 and its white-label brands (platforms.md §2): users and user groups. */
export const appenate = defineConnector({
  type: 'appenate',
  summary: 'Appenate API v2 (and its white-label brands): users and user groups',
  role: 'target',
  configSchema: async () => (await import('./schema.js')).configSchema,
  rules: { users: appenateUserRules, groups: appenateGroupRules },
  where: (config) => config.baseUrl,
  create: async (config, context) =>
    new (await import('./target.js')).AppenateTarget({
      ...connectionSettings(config, context),
      name: context.name,
      baseUrl: config.baseUrl,
      companyId: String(config.companyId),
      integrationKey: context.secret(config.integrationKey, 'integrationKey'),
      ...(config.listAll !== undefined ? { listAll: config.listAll } : {}),
      ...(config.invite !== undefined ? { invite: config.invite } : {}),
      ...(config.userType ? { userType: config.userType } : {}),
    }),
});
