import { z } from 'zod';
import { connectionOptions, lifecycleOptions, secretRef } from '../config-schema.js';

/** One `springest` target in the config (loaded only when a config is read: see ConnectorDefinition). */
export const configSchema = z.strictObject({
  type: z.literal('springest'),
  sites: z
    .record(z.string(), z.strictObject({ baseUrl: z.string().describe('https://SITE.api.go.springest.nl'), apiKey: secretRef }))
    .describe('Every site gets every user: one API key per site'),
  ...connectionOptions,
  ...lifecycleOptions,
});
