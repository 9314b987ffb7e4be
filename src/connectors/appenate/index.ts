import { z } from 'zod';
import { connectionOptions, connectionSettings, secretRef } from '../config.js';
import { defineConnector } from '../types.js';
import { appenateUserRules } from './rules.js';

const configSchema = z.strictObject({
  type: z.literal('appenate'),
  baseUrl: z.string().describe('The brand’s API root, e.g. https://secure.appenate.com/api/v2'),
  companyId: z.union([z.string(), z.int()]),
  integrationKey: secretRef,
  ...connectionOptions,
});

/** Appenate users API v2 and its white-label brands (platforms.md §2): users. */
export const appenate = defineConnector({
  type: 'appenate',
  summary: 'Appenate users API v2 (and its white-label brands): users',
  role: 'target',
  configSchema,
  rules: { users: appenateUserRules },
  where: (config) => config.baseUrl,
  create: async (config, context) =>
    new (await import('./target.js')).AppenateTarget({
      ...connectionSettings(config, context),
      name: context.name,
      baseUrl: config.baseUrl,
      companyId: String(config.companyId),
      integrationKey: context.secret(config.integrationKey, 'integrationKey'),
    }),
});
