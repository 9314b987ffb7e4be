import { z } from 'zod';
import { connectionOptions, connectionSettings, secretRef } from '../config.js';
import { defineConnector } from '../types.js';
import { springestUserRules } from './rules.js';

const configSchema = z.strictObject({
  type: z.literal('springest'),
  sites: z
    .record(z.string(), z.strictObject({ baseUrl: z.string().describe('https://SITE.api.go.springest.nl'), apiKey: secretRef }))
    .describe('Every site gets every user: one API key per site'),
  ...connectionOptions,
});

/** Springest Go users import (platforms.md §3): users, written by upsert to every site. */
export const springest = defineConnector({
  type: 'springest',
  summary: 'Springest Go users import: users, sent to every configured site (cannot be listed)',
  role: 'target',
  configSchema,
  rules: { users: springestUserRules },
  where: (config) => Object.values(config.sites).map((s) => s.baseUrl).join(', '),
  create: async (config, context) =>
    new (await import('./target.js')).SpringestTarget({
      ...connectionSettings(config, context),
      name: context.name,
      sites: Object.fromEntries(Object.entries(config.sites).map(([site, s]) => [site, { baseUrl: s.baseUrl, apiKey: context.secret(s.apiKey, `sites.${site}.apiKey`) }])),
    }),
});
