import { z } from 'zod';
import { connectionOptions, connectionSettings, secretRef } from '../config.js';
import { defineConnector } from '../types.js';
import { accessplanitRules } from './rules.js';

const configSchema = z
  .strictObject({
    type: z.literal('accessplanit'),
    baseUrl: z.string().describe('https://TENANT.accessplanit.com/accessplan/api/v2'),
    apiKey: secretRef.optional(),
    userName: z.string().optional().describe('For the password grant, with password'),
    password: secretRef.optional(),
    ...connectionOptions,
  })
  .refine((t) => t.apiKey || (t.userName && t.password), { error: 'give apiKey, or userName and password' });

/** accessplanit API v2 feeds (platforms.md §1): users, companies (accounts) and company groups. */
export const accessplanit = defineConnector({
  type: 'accessplanit',
  summary: 'accessplanit training management: users, companies (accounts), company groups',
  role: 'target',
  configSchema,
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
