import { identityOptions } from '../config-schema.js';
import { z } from 'zod';
import { connectionOptions, lifecycleOptions, secretRef } from '../config-schema.js';

/** One `accessplanit` target in the config (loaded only when a config is read: see ConnectorDefinition). */
export const configSchema = z
  .strictObject({
    type: z.literal('accessplanit'),
    baseUrl: z.string().describe('https://TENANT.accessplanit.com/accessplan/api/v2'),
    apiKey: secretRef.optional(),
    userName: z.string().optional().describe('For the password grant, with password'),
    password: secretRef.optional(),
    ...identityOptions,
    ...connectionOptions,
    ...lifecycleOptions,
  })
  .refine((t) => t.apiKey || (t.userName && t.password), { error: 'give apiKey, or userName and password' });
