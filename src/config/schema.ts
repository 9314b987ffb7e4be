import { z } from 'zod';
import { CONNECTORS } from '../connectors/registry.js';

/** One target entry: the union of every connector's own config schema, told apart by `type`. */
export const targetSchema = z.discriminatedUnion('type', CONNECTORS.map((c) => c.configSchema) as unknown as [z.ZodObject, ...z.ZodObject[]]);

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    targets: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'target names use letters, digits, - and _' }), targetSchema),
    defaultTarget: z.string().optional(),
    phoneRegion: z
      .string()
      .regex(/^[A-Za-z]{2}$/, { error: 'phoneRegion is an ISO 3166-1 alpha-2 code, e.g. GB' })
      .optional()
      .describe('Where phone numbers without a country prefix are from (e.g. GB: 07700 900101 is +44 7700 900101), when a row has no country'),
  })
  .refine((c) => c.defaultTarget === undefined || c.defaultTarget in c.targets, { error: 'defaultTarget names no target in "targets"', path: ['defaultTarget'] });

/** One checked target entry; its connector (by `type`) reads the rest. */
export type TargetConfig = { type: string } & Record<string, unknown>;
export interface Config {
  $schema?: string | undefined;
  targets: Record<string, TargetConfig>;
  defaultTarget?: string | undefined;
  phoneRegion?: string | undefined;
}

/** The JSON Schema editors use to complete and check hrsync.config.json. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
}
