import { connectionSettings } from '../config.js';
import { defineConnector } from '../types.js';
import { springestUserRules } from './rules.js';

/** Springest Go users import (platforms.md §3): users, written by upsert to every site. */
export const springest = defineConnector({
  type: 'springest',
  summary: 'Springest Go users import: users, sent to every configured site (cannot be listed)',
  role: 'target',
  configSchema: async () => (await import('./schema.js')).configSchema,
  rules: { users: springestUserRules },
  where: (config) => Object.values(config.sites).map((s) => s.baseUrl).join(', '),
  create: async (config, context) =>
    new (await import('./target.js')).SpringestTarget({
      ...connectionSettings(config, context),
      name: context.name,
      sites: Object.fromEntries(Object.entries(config.sites).map(([site, s]) => [site, { baseUrl: s.baseUrl, apiKey: context.secret(s.apiKey, `sites.${site}.apiKey`) }])),
    }),
});
