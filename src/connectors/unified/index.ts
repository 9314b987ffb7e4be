import { connectionSettings } from '../config.js';
import { defineConnector } from '../types.js';

/** Unified.to HRIS (platforms.md §4, docs/platforms.md): employees read as users, and the HR system’s companies and groups. A source: never written. */
export const unified = defineConnector({
  type: 'unified',
  summary: 'Unified.to HRIS: employees as users, and the HR system’s companies and groups (a source, read only)',
  role: 'source',
  configSchema: async () => (await import('./schema.js')).configSchema,
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
