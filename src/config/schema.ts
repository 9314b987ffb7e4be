import { z } from 'zod';

/** Credentials are never written in the config: only a reference to an environment variable. */
const secret = z
  .string()
  .regex(/^env:[A-Za-z_][A-Za-z0-9_]*$/, { error: 'credentials go in the environment: write "env:NAME" and set NAME' })
  .describe('A reference to an environment variable holding the secret, e.g. "env:AP_KEY"');

const common = {
  concurrency: z.int().min(1).max(64).optional().describe('Requests in flight at most (default 8)'),
  rateLimit: z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*\/\s*(s|sec|second|m|min|minute|h|hour)\s*$/i, { error: 'write a rate such as "5000/h" or "10/s"' })
    .optional()
    .describe('Requests per endpoint, e.g. "5000/h" (accessplanit’s documented limit) or "10/s"'),
  timeout: z.number().positive().max(600).optional().describe('Seconds to wait for an answer before retrying, or settling a write (default 30)'),
};

const accessplanit = z
  .strictObject({
    type: z.literal('accessplanit'),
    baseUrl: z.string().describe('https://TENANT.accessplanit.com/accessplan/api/v2'),
    apiKey: secret.optional(),
    userName: z.string().optional().describe('For the password grant, with password'),
    password: secret.optional(),
    ...common,
  })
  .refine((t) => t.apiKey || (t.userName && t.password), { error: 'give apiKey, or userName and password' });

const appenate = z.strictObject({
  type: z.literal('appenate'),
  baseUrl: z.string().describe('The brand’s API root, e.g. https://secure.appenate.com/api/v2'),
  companyId: z.union([z.string(), z.int()]),
  integrationKey: secret,
  ...common,
});

const springest = z.strictObject({
  type: z.literal('springest'),
  sites: z
    .record(z.string(), z.strictObject({ baseUrl: z.string().describe('https://SITE.api.go.springest.nl'), apiKey: secret }))
    .describe('Every site gets every user: one API key per site'),
  ...common,
});

const unified = z.strictObject({
  type: z.literal('unified'),
  baseUrl: z.string().default('https://api.unified.to'),
  connectionId: z.string(),
  apiKey: secret,
  ...common,
});

export const targetSchema = z.discriminatedUnion('type', [accessplanit, appenate, springest, unified]);

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    targets: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'target names use letters, digits, - and _' }), targetSchema),
    defaultTarget: z.string().optional(),
  })
  .refine((c) => c.defaultTarget === undefined || c.defaultTarget in c.targets, { error: 'defaultTarget names no target in "targets"', path: ['defaultTarget'] });

export type Config = z.infer<typeof configSchema>;
export type TargetConfig = z.infer<typeof targetSchema>;

/** The JSON Schema editors use to complete and check hrsync.config.json. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
}
