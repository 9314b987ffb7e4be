import { z } from 'zod';
import { connectionOptions, connectionSettings, secretRef } from '../config.js';
import { defineConnector } from '../types.js';
import { APPENATE_USER_TYPES, appenateGroupRules, appenateUserRules } from './rules.js';

const configSchema = z.strictObject({
  type: z.literal('appenate'),
  baseUrl: z.string().describe('The brand’s API root, e.g. https://secure.appenate.com/api/v2'),
  companyId: z.union([z.string(), z.int()]),
  integrationKey: secretRef,
  listAll: z.boolean().optional().describe('List everyone with an empty Name= search (undocumented: only if your tenant answers it with everyone). Without it, export, --missing and --from cannot list, and import looks each row up'),
  invite: z.boolean().optional().describe('Whether a created user gets the invitation e-mail (default true, as the platform does); a row’s invite column wins'),
  userType: z.enum(APPENATE_USER_TYPES.values).optional().describe('Licence type of a created user whose row names none (default: the platform’s own)'),
  ...connectionOptions,
});

/** Appenate API v2 and its white-label brands (platforms.md §2): users and user groups. */
export const appenate = defineConnector({
  type: 'appenate',
  summary: 'Appenate API v2 (and its white-label brands): users and user groups',
  role: 'target',
  configSchema,
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
