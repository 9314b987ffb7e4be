import { UsageError } from '../../errors.js';
import { closest } from '../../shared/closest.js';
import { isObject, json, parseJson, SERVER_EMAIL, str, type SandboxRequest, type SandboxResponse } from '../http.js';
import type { Row } from '../odata.js';
import { definePlatform, type PlatformContext } from '../platform.js';
import { Table, tablesFrom, tablesJson } from '../table.js';

/**
 * Springest Go users import (platforms.md §3, seed 003): POST /users.json upserts, matched on
 * external_id, else email; EVERY field sent overwrites, empty values included. GET finds by
 * external_id only. [guess]: the 400 and 401 bodies, 200 (not 201) for an update, ids as strings.
 * A field the seed does not list is refused (400 naming it) unless `unknownFields` is `drop`.
 */
const PATH = '/users.json';
/**
 * The fields seed 003's table lists [doc]. Its de-activation text spells the end date
 * `employee_end_date` once; the table is taken as right, so that spelling is an unknown field.
 */
const FIELDS = [
  'email', 'external_id', 'gender', 'first_name', 'last_name', 'phone_number', 'birthdate', 'birthplace', 'company_name', 'address',
  'house_number', 'zip_code', 'city', 'country', 'active', 'job_title', 'department_name', 'business_unit', 'cost_center', 'cost_center_name',
  'approvers', 'tags', 'employment_start_date', 'employment_end_date',
];
/** An approver's fields (seed 003: email, label, can_approve). */
const APPROVER_FIELDS = ['email', 'label', 'can_approve'];
const DATES = ['birthdate', 'employment_start_date', 'employment_end_date'];
/** Approver labels, as seed 003 lists them [doc]. */
const LABELS = new Set(['Manager', 'Non-approving manager', 'Higher manager']);

/** Site name → its users: each site has its own key and its own users. */
export type SpringestState = Map<string, Table>;
/** Site name → its API key. */
export type SpringestCredentials = Record<string, string>;

export interface SpringestSettings {
  /**
   * A field seed 003 does not list (a misspelling such as `employee_end_date`, or `shoe_size`):
   * `refuse` answers 400 naming it (the default: a misspelt field never passes a test while its data
   * vanishes); `drop` ignores it, as a lenient server would [guess: which the vendor's is].
   */
  unknownFields: 'refuse' | 'drop';
}

type Ctx = PlatformContext<SpringestState, SpringestCredentials, SpringestSettings>;

function site(req: SandboxRequest, ctx: Ctx): Table | undefined {
  const key = req.url.searchParams.get('api_key');
  const name = Object.entries(ctx.credentials).find(([, k]) => k === key)?.[0];
  if (!name) return undefined;
  let table = ctx.state.get(name);
  if (!table) ctx.state.set(name, (table = new Table()));
  return table;
}

function validate(row: Row, users: Table, selfId: string | undefined): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const add = (field: string, message: string) => (errors[field] ??= []).push(message);
  if (!str(row.email) && !str(row.external_id)) add('base', 'email or external_id is required');
  if (str(row.email) && !SERVER_EMAIL.test(str(row.email))) add('email', 'is invalid');
  if (str(row.gender) && !['m', 'f'].includes(str(row.gender))) add('gender', 'must be "m" or "f"');
  for (const field of DATES) if (str(row[field]) && !/^\d{4}-\d{2}-\d{2}$/.test(str(row[field]))) add(field, 'must be formatted as yyyy-mm-dd');
  if (row.active !== undefined && row.active !== null && typeof row.active !== 'boolean') add('active', 'must be true or false');
  if (row.tags !== undefined && row.tags !== null && !Array.isArray(row.tags)) add('tags', 'must be an array');
  if (row.approvers !== undefined && row.approvers !== null) {
    if (!Array.isArray(row.approvers)) add('approvers', 'must be an array');
    else
      for (const approver of row.approvers as unknown[]) {
        if (!isObject(approver)) {
          add('approvers', 'must hold objects with email and label');
          continue;
        }
        if (!LABELS.has(str(approver.label))) add('approvers', `label "${str(approver.label)}" is not one of ${[...LABELS].join(', ')}`);
        const boss = users.find((u) => str(u.email).toLowerCase() === str(approver.email).toLowerCase() && u.id !== selfId);
        if (!boss || boss.active === false) add('approvers', `approver ${str(approver.email)} is not an active user`);
      }
  }
  return errors;
}

/** The fields of a body (and of its approvers) that seed 003 does not list, as 400 errors in the platform's shape. */
function unknownFields(body: Record<string, unknown>): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const unknown = (field: string, known: readonly string[]) => {
    const near = closest(field, known);
    return `is not a known field${near ? ` (did you mean "${near}"?)` : ''}`;
  };
  for (const field of Object.keys(body)) if (!FIELDS.includes(field)) errors[field] = [unknown(field, FIELDS)];
  if (Array.isArray(body.approvers))
    for (const approver of body.approvers as unknown[])
      if (isObject(approver))
        for (const field of Object.keys(approver)) if (!APPROVER_FIELDS.includes(field)) (errors.approvers ??= []).push(`${field} ${unknown(field, APPROVER_FIELDS)}`);
  return errors;
}

function present(row: Row): Row {
  // The documented GET output; `active` is documented as a string.
  return { id: row.id, external_id: row.external_id ?? null, user_email: row.email ?? null, active: String(row.active !== false), learning_track_status: 'no_tracks_assigned' };
}

export const springest = definePlatform({
  name: 'springest',
  summary: 'Springest Go users import: POST /users.json upserts, GET /users.json looks up by external_id; one key per site',
  basePath: '',
  flags: {
    springestSite: { flags: '--springest-site <name=key>', description: 'another Springest site and its API key (repeatable)', repeatable: true },
  },
  credentials: ({ key, flags = {}, given }): SpringestCredentials => {
    const sites: SpringestCredentials = { default: key ?? 'sandbox-key' };
    for (const spec of (flags.springestSite as string[] | undefined) ?? []) {
      const [name, siteKey] = spec.split('=');
      if (!name || !siteKey) throw new UsageError(`bad --springest-site "${spec}"`, 'use NAME=KEY');
      sites[name] = siteKey;
    }
    return { ...sites, ...(given as SpringestCredentials | undefined) };
  },
  defaultSettings: { unknownFields: 'refuse' } as SpringestSettings,
  createState: (): SpringestState => new Map(),
  saveState: (state) => tablesJson(state),
  loadState: (saved) => tablesFrom(saved, 'springest'),
  describe: (origin, c) => `springest     ${origin}${PATH}   ${Object.entries(c).map(([name, key]) => `site ${name}: api_key=${key}`).join(', ')}`,
  client: (origin, c) => ({
    config: { type: 'springest', sites: { default: { baseUrl: origin, apiKey: 'env:HRSYNC_SANDBOX_SPRINGEST_KEY' } } },
    env: { HRSYNC_SANDBOX_SPRINGEST_KEY: c.default ?? Object.values(c)[0]! },
  }),
  matches: (path) => path === PATH,
  endpoint: () => 'users.json',
  handle(req, ctx) {
    const users = site(req, ctx);
    if (!users) return json(401, { error: 'Invalid API key' });
    if (req.method === 'GET') {
      const externalId = req.url.searchParams.get('external_id');
      if (!externalId) return json(400, { errors: { external_id: ['is required'] } });
      const row = users.findBy('external_id', externalId);
      return row ? json(200, present(row)) : json(404, { error: 'User not found' });
    }
    if (req.method !== 'POST') return json(405, { error: 'Method not allowed' });
    const body = parseJson(req.body);
    if (!isObject(body)) return json(400, { errors: { base: ['the body must be a JSON object'] } });
    const unknown = ctx.settings.unknownFields === 'drop' ? {} : unknownFields(body);
    if (Object.keys(unknown).length) return json(400, { errors: unknown });
    const sent: Row = {};
    for (const field of FIELDS) if (field in body) sent[field] = body[field];
    if (Array.isArray(sent.tags)) sent.tags = (sent.tags as unknown[]).map((t) => str(t).toLowerCase());
    // Match on external_id when given, else on email.
    const existing = str(sent.external_id)
      ? users.findBy('external_id', str(sent.external_id))
      : str(sent.email)
        ? users.findBy('email', str(sent.email), (v) => str(v).toLowerCase())
        : undefined;
    const next: Row = existing ? { ...existing, ...sent } : { active: true, ...sent }; // every field sent overwrites, empty or not
    const errors = validate(next, users, existing ? str(existing.id) : undefined);
    if (Object.keys(errors).length) return json(400, { errors });
    if (existing) {
      users.set(str(existing.id), next);
      return { ...json(200, { id: existing.id }), wrote: true };
    }
    let n = users.size + 1;
    while (users.has(String(n))) n++;
    next.id = String(n);
    users.set(String(n), next);
    return { ...json(201, { id: next.id }), wrote: true };
  },
});
