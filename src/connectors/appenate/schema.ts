import { identityOptions } from '../config-schema.js';
import { z } from 'zod';
import { connectionOptions, lifecycleOptions, secretRef } from '../config-schema.js';
import { APPENATE_USER_TYPES } from './rules.js';

/** One `appenate` target in the config (loaded only when a config is read: see ConnectorDefinition). */
export const configSchema = z.strictObject({
  type: z.literal('appenate'),
  baseUrl: z.string().describe('The brand’s API root, e.g. https://secure.appenate.com/api/v2'),
  companyId: z.union([z.string(), z.int()]).describe('The CompanyId every request carries, with the integration key'),
  integrationKey: secretRef,
  listAll: z.boolean().optional().describe('List everyone with an empty Name= search (undocumented: only if your tenant answers it with everyone). Without it, export, --missing and --from cannot list, and import looks each row up'),
  invite: z.boolean().optional().describe('Whether a created user gets the invitation e-mail (default true, as the platform does); a row’s invite column wins'),
  userType: z.enum(APPENATE_USER_TYPES.values).optional().describe('Licence type of a created user whose row names none (default: the platform’s own)'),
  ...identityOptions,
  ...connectionOptions,
  ...lifecycleOptions,
});
