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

/**
 * When a person's account is made and ended, as the config says it at its top level and, overriding
 * that, per target (a target that writes). The time zone's name is checked by the config schema.
 */
export const lifecycleOptions = {
  timeZone: z.string().min(1).optional().describe('The time zone (an IANA name, e.g. Europe/Berlin) a row’s start and end dates are days in when the row names none (default UTC)'),
  createDaysBefore: z.int().min(0).max(366).optional().describe('A joiner’s account is made this many days before their start date, local (default 0: on the start day itself)'),
  deleteDaysAfter: z.int().min(0).max(3650).optional().describe('A leaver’s deactivated account is deleted this many days after their end date, local (default: never)'),
  maxDeactivations: z
    .union([z.int().min(0), z.string().regex(/^\s*\d+(\.\d+)?%?\s*$/, { error: 'a count such as 25 or a percentage such as "10%"' })])
    .optional()
    .describe('Stop (exit 6) when a plan would deactivate or delete more records of an entity than this, for any reason: missing, leavers, a disabled status (a count, or a percentage of the target’s records, at least one; --max-deactivations wins; default: --max-missing’s limit, 10%)'),
  maxInvalid: z
    .union([z.int().min(0), z.string().regex(/^\s*\d+\s*$|^\s*\d+(\.\d+)?\s*%\s*$/, { error: 'a count such as 5 or a share of the rows such as "2%"' })])
    .optional()
    .describe('Invalid rows an import or validate accepts and still succeeds (exit 0): they are reported and left out; more fails the run (exit 3, nothing written). A count, or a share of the rows read ("2%"); --max-invalid and --strict win; default: none'),
};

const fieldValues = z.record(z.string().min(1), z.array(z.string()).min(1));

/** A target's policy (issue 23 items 8 and 9): who is in, who owns which field, which accounts are protected, what a run may write. */
export const policyOptions = {
  scope: fieldValues
    .optional()
    .describe('Which HR rows of users this target receives: field → values, e.g. {"department": ["Sales", "Support"]}; a row is in when each field holds one of its values (ignoring case). Rows out of scope are neither created nor updated, and the accounts they name are never counted missing (see outOfScope); --where narrows it further'),
  outOfScope: z
    .enum(['keep', 'missing'])
    .optional()
    .describe('An account whose HR row is out of scope: left alone (keep, the default), or treated as missing from the input, so --missing deactivate or delete acts on it, under the deactivation brake (missing)'),
  targetOwned: z.array(z.string().min(1)).optional().describe('Fields the target owns: hrsync never sends them, not even when it makes the account (the plan says what differs), e.g. ["jobTitle"]'),
  createOnly: z.array(z.string().min(1)).optional().describe('Fields sent when hrsync makes the account, never updated afterwards (the plan says what differs), e.g. ["department"]'),
  mode: z
    .array(z.enum(['create', 'update', 'deactivate']))
    .min(1)
    .optional()
    .describe('What an import into this target may write: create, update, deactivate (deactivations, deletes, an HR status that disables); --mode overrides it (default: all three)'),
  protected: z
    .strictObject({
      keys: z
        .array(z.string().regex(/^[A-Za-z][\w.]*=.+$/, { error: 'a key is FIELD=VALUE, e.g. "email=admin@acme.com"' }))
        .optional()
        .describe('Accounts by key, e.g. ["email=admin@acme.com", "externalId=E1"]'),
      roles: fieldValues.optional().describe('Accounts by what a role field holds on the target, e.g. {"roleId": ["1"]} or {"websiteRole": ["Admin"]}'),
    })
    .optional()
    .describe('users never deactivated, deleted or downgraded (to the disabled state, or a role away from a protected one), whatever the file says'),
};
