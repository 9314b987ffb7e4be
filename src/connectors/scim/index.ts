import { connectionSettings } from '../config.js';
import { defineConnector } from '../types.js';
import { scimRules } from './rules.js';

/** SCIM 2.0 (RFC 7643/7644) service providers: users and groups, as Entra ID and Okta provision them. */
export const scim = defineConnector({
  type: 'scim',
  summary: 'SCIM 2.0 service provider (RFC 7643/7644): users and groups',
  role: 'target',
  configSchema: async () => (await import('./schema.js')).configSchema,
  rules: scimRules,
  where: (config) => config.baseUrl,
  create: async (config, context) =>
    new (await import('./target.js')).ScimTarget({
      ...connectionSettings(config, context),
      name: context.name,
      baseUrl: config.baseUrl,
      token: context.secret(config.token, 'token'),
      ...(config.userName ? { userName: config.userName } : {}),
      ...(config.patch ? { patch: config.patch } : {}),
      ...(config.filter ? { filter: config.filter } : {}),
      ...(config.displayName ? { displayName: config.displayName } : {}),
      ...(config.bulk ? { bulk: config.bulk } : {}),
    }),
});
