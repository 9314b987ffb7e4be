import { connectionSettings } from '../config.js';
import { defineConnector } from '../types.js';
import { accessplanitRules } from './rules.js';

/** accessplanit API v2 feeds (platforms.md §1): users, companies (accounts) and company groups. */
export const accessplanit = defineConnector({
  type: 'accessplanit',
  summary: 'accessplanit training management: users, companies (accounts), company groups',
  role: 'target',
  configSchema: async () => (await import('./schema.js')).configSchema,
  rules: accessplanitRules,
  where: (config) => config.baseUrl,
  create: async (config, context) => {
    const { AccessplanitTarget } = await import('./target.js');
    const apiKey = config.apiKey === undefined ? undefined : context.secret(config.apiKey, 'apiKey');
    const password = config.password === undefined ? undefined : context.secret(config.password, 'password');
    return new AccessplanitTarget({
      ...connectionSettings(config, context),
      name: context.name,
      baseUrl: config.baseUrl,
      ...(apiKey ? { apiKey } : {}),
      ...(config.userName ? { userName: config.userName } : {}),
      ...(password ? { password } : {}),
    });
  },
});
