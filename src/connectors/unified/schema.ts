import { z } from 'zod';
import { connectionOptions, secretRef } from '../config-schema.js';

/** One `unified` target in the config (loaded only when a config is read: see ConnectorDefinition). */
export const configSchema = z.strictObject({
  type: z.literal('unified'),
  baseUrl: z.string().default('https://api.unified.to').describe('The Unified.to API root'),
  connectionId: z.string().describe('The Unified.to connection of the HR system (conn_…)'),
  apiKey: secretRef,
  ...connectionOptions,
});
