import { z } from 'zod';
import { connectionOptions, connectionSettings, secretRef } from '../config.js';
import { defineConnector } from '../types.js';

const configSchema = z.strictObject({
  type: z.literal('unified'),
  baseUrl: z.string().default('https://api.unified.to'),
  connectionId: z.string(),
  apiKey: secretRef,
  ...connectionOptions,
});

/** Unified.to HRIS (platforms.md §4, docs/platforms.md): employees read as users, and the HR system’s companies and groups. A source: never written. */
export const unified = defineConnector({
  type: 'unified',
  summary: 'Unified.to HRIS: employees as users, and the HR system’s companies and groups (a source, read only)',
  role: 'source',
  configSchema,
  rules: {},
  where: (config) => config.baseUrl,
  create: async (config, context) =>
    new (await import('./target.js')).UnifiedTarget({
      ...connectionSettings(config, context),
      name: context.name,
      baseUrl: config.baseUrl,
      connectionId: config.connectionId,
      apiKey: context.secret(config.apiKey, 'apiKey'),
    }),
});
