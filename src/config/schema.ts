import { z } from 'zod';
import { lifecycleOptions } from '../connectors/config-schema.js';
import { CONNECTORS } from '../connectors/registry.js';
import { timeZoneHint, timeZoneName } from '../core/lifecycle/calendar.js';
import { secretRef } from '../shared/secret-ref.js';

// Loaded only when there is a config to check or describe (config/load.ts, `hrsync config schema`).

/** One target entry: the union of every connector's own config schema, told apart by `type`. */
export const targetSchema = z.discriminatedUnion('type', (await Promise.all(CONNECTORS.map((c) => c.configSchema()))) as unknown as [z.ZodObject, ...z.ZodObject[]]);

/** Where hrsync keeps what it needs between runs: a folder beside the config (default), or PostgreSQL. */
export const stateSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('dir').describe('.hrsync/state beside the config; the lock covers this machine (the default)') }),
  z.strictObject({
    type: z.literal('postgres').describe('A PostgreSQL database every runner shares: bookmarks, last-sent fingerprints, locks across machines, run history'),
    url: secretRef.describe('The connection URL, by reference: "env:HRSYNC_STATE_URL" holding postgres://user:password@host:5432/database (?sslmode=verify-full&sslrootcert=ca.pem)'),
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'a schema name: lower-case letters, digits and _, at most 63' })
      .optional()
      .describe('The schema hrsync keeps its tables in (default "hrsync"); tenants can share a database with a schema each'),
    lockExpiry: z.int().min(5).max(3600).optional().describe('Seconds a lock outlives its holder’s last heartbeat, so a vanished runner never blocks for longer (default 60)'),
    connectTimeout: z.number().positive().max(600).optional().describe('Seconds to wait for the database to answer a connection (default 10)'),
    tls: z
      .strictObject({
        ca: z.string().optional().describe('A PEM file of the certificate authorities to trust (relative to the config)'),
        cert: z.string().optional().describe('A client certificate (PEM file), for servers that ask for one'),
        key: z.string().optional().describe('The client certificate’s private key (PEM file)'),
        rejectUnauthorized: z.boolean().optional().describe('Verify the server’s certificate (default true; false only encrypts)'),
        servername: z.string().optional().describe('The host name the certificate must name, when it is not the URL’s'),
      })
      .optional()
      .describe('TLS to the database (also sslmode=… in the URL): with this, TLS is on and the certificate verified'),
  }),
]);

export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe('The JSON Schema editors check the file with, e.g. "./hrsync.schema.json" (written by hrsync config schema); hrsync ignores it'),
    targets: z
      .record(z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'target names use letters, digits, - and _' }), targetSchema)
      .describe('The platform accounts hrsync reads and writes, by name (letters, digits, - and _): --target NAME'),
    defaultTarget: z.string().optional().describe('The target a command uses without --target (default: the only target, when there is just one)'),
    phoneRegion: z
      .string()
      .regex(/^[A-Za-z]{2}$/, { error: 'phoneRegion is an ISO 3166-1 alpha-2 code, e.g. GB' })
      .optional()
      .describe('Where phone numbers without a country prefix are from (e.g. GB: 07700 900101 is +44 7700 900101), when a row has no country'),
    state: stateSchema.optional().describe('Where hrsync keeps bookmarks, last-sent fingerprints, locks and run history (default: {"type": "dir"})'),
    ...lifecycleOptions,
  })
  .refine((c) => c.defaultTarget === undefined || Object.hasOwn(c.targets, c.defaultTarget), { error: 'defaultTarget names no target in "targets"', path: ['defaultTarget'] })
  .superRefine((c, ctx) => {
    // A time zone is a place's IANA name, at the top level and in each target that overrides it.
    const check = (zone: unknown, path: PropertyKey[]) => {
      if (typeof zone === 'string' && timeZoneName(zone) === undefined) ctx.addIssue({ code: 'custom', message: `"${zone}" is not a time zone: ${timeZoneHint(zone)}`, path });
    };
    check(c.timeZone, ['timeZone']);
    for (const [name, target] of Object.entries(c.targets)) check((target as Record<string, unknown>).timeZone, ['targets', name, 'timeZone']);
  });

/** One checked target entry; its connector (by `type`) reads the rest. */
export type TargetConfig = { type: string } & Record<string, unknown>;
export interface Config {
  $schema?: string | undefined;
  targets: Record<string, TargetConfig>;
  defaultTarget?: string | undefined;
  phoneRegion?: string | undefined;
  state?: StateConfig | undefined;
  timeZone?: string | undefined;
  createDaysBefore?: number | undefined;
  deleteDaysAfter?: number | undefined;
  maxDeactivations?: string | number | undefined;
  maxInvalid?: string | number | undefined;
}

/** The checked `state` entry. */
export type StateConfig = z.infer<typeof stateSchema>;

/** The JSON Schema editors use to complete and check hrsync.config.json. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
}
