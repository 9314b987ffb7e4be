import { z } from 'zod';

// The zod parts of every connector's config schema: loaded only when a config is read or described
// (`hrsync config schema`), never for a run that needs none (see ConnectorDefinition.configSchema).

/** Credentials are never written in the config: only a reference to an environment variable (shared with the state config). */
export { secretRef } from '../shared/secret-ref.js';

/** Who a row is, for a target hrsync can list (issue 23 item 5). */
export const identityOptions = {
  onNewHrId: z
    .enum(['conflict', 'adopt'])
    .optional()
    .describe('A row whose HR id (externalId) is new but whose email (or another key) finds an account that has another HR id — a contractor made an employee, a rehire under a new id: "conflict" leaves it for review, nothing written (the default); "adopt" gives the account the new HR id'),
};

/** Options every connector's config entry takes: how its HTTP side behaves. */
export const connectionOptions = {
  concurrency: z.int().min(1).max(64).optional().describe('Requests in flight at most (default 8)'),
  rateLimit: z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*\/\s*(s|sec|second|m|min|minute|h|hour)\s*$/i, { error: 'write a rate such as "5000/h" or "10/s"' })
    .optional()
    .describe('Requests per endpoint, e.g. "5000/h" or "10/s" (default: the platform’s documented limit, where it has one)'),
  timeout: z.number().positive().max(600).optional().describe('Seconds to wait for an answer before retrying, or settling a write (default 30)'),
  pageSize: z.int().min(1).max(1000).optional().describe('Records asked for per page when listing (default: the connector’s own)'),
  maxResponseMB: z.number().positive().max(4096).optional().describe('The largest answer hrsync reads from this target, in MB (default 64)'),
  maxRecords: z.int().min(1).optional().describe('The most records one list may hold before hrsync takes it for a list that never ends (default 1,000,000)'),
  maxListSeconds: z
    .number()
    .positive()
    .optional()
    .describe('The longest one list may take, in seconds, before hrsync takes it for a list that never ends (default: 600 per million of maxRecords, at least 600, plus four times the timeout: 720)'),
  caFile: z
    .string()
    .min(1)
    .optional()
    .describe('A PEM file of CA certificates this target’s certificate may chain to (a TLS-inspecting proxy’s, a private CA), trusted besides Node’s own; relative to the config file. Verification is never turned off'),
};
