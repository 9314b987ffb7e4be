import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CanonicalRecord } from '../core/model/canonical.js';
import { packageRoot } from '../shared/package-root.js';
import { toAccessplanit } from '../connectors/accessplanit/wire.js';
import { validateFiles } from '../core/validate/validate-files.js';
import type { Row } from '../sandbox/odata.js';
import type { Platform, PlatformContext } from '../sandbox/platform.js';
import { accessplanit } from '../sandbox/platforms/accessplanit.js';
import { appenate } from '../sandbox/platforms/appenate.js';
import { springest } from '../sandbox/platforms/springest.js';
import { Table } from '../sandbox/table.js';
import { generateEmployees } from '../sandbox/platforms/unified-seed.js';

/** The samples folder shipped with hrsync: the default seed. */
export const SAMPLES_DIR = join(packageRoot(), 'samples');
/** With the default seed, this many of samples/users.csv already exist, so an import shows updates and creates. */
const DEFAULT_SEEDED_USERS = 5;

export class SeedError extends Error {}

/** Sends one request through a platform's own handler, as a client would. */
function call(platform: Platform, ctx: PlatformContext, method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = platform.handle({ method, url: new URL(path, 'http://sandbox'), headers, body: JSON.stringify(body) }, ctx);
  if (response.status >= 300) throw new SeedError(`seeding ${platform.name} ${path} failed (${response.status}): ${JSON.stringify(response.body)}`);
  return response;
}

/**
 * Fills an empty state from a folder of CSV/JSON files (users, companies, groups, in any order): they
 * are checked and normalised as `hrsync validate --target accessplanit` would, then written through
 * each platform's own POST handler. Unified gets generated employees.
 */
export async function seedState(live: PlatformContext, dir: string | undefined): Promise<void> {
  // Seeding is not traffic: it must not use up a rate limit's window.
  const ctx: PlatformContext = { ...live, accessplanitHourlyLimit: Infinity };
  const folder = dir ?? SAMPLES_DIR;
  // The samples: exactly their three data files. A seed folder: every data file but hrsync's own config.
  const names = dir
    ? (await readdir(folder)).filter((f) => /\.(csv|json|ndjson|jsonl)$/i.test(f) && !/^hrsync\./i.test(f)).sort()
    : ['groups.csv', 'companies.csv', 'users.csv'];
  const files = names.map((f) => join(folder, f));
  const report = await validateFiles(files, { target: 'accessplanit', keepRecords: true });
  if (!report.ok) {
    const first = report.issues.find((i) => i.severity === 'error')!;
    throw new SeedError(`the seed in ${folder} is not valid for accessplanit: ${first.file}:${first.line}: ${first.message}`);
  }
  const records = report.records!;
  const of = (entity: CanonicalRecord['entity']) => records.filter((r) => r.entity === entity);
  const users = dir ? of('users') : of('users').slice(0, DEFAULT_SEEDED_USERS);

  const bearer = { authorization: `Bearer ${ctx.credentials.accessplanit.apiKey}` };
  for (const g of of('groups')) call(accessplanit, ctx, 'POST', '/accessplan/api/v2/CompanyGroup', toAccessplanit('groups', g.values), bearer);
  // Companies first without their main contact (who may not exist yet), then users, then contacts.
  for (const c of of('companies')) call(accessplanit, ctx, 'POST', '/accessplan/api/v2/Company', toAccessplanit('companies', { ...c.values, mainContactUserId: null }), bearer);
  for (const u of users) call(accessplanit, ctx, 'POST', '/accessplan/api/v2/User', toAccessplanit('users', u.values), bearer);
  for (const c of of('companies'))
    if (c.values.mainContactUserId && c.values.id)
      call(accessplanit, ctx, 'PUT', `/accessplan/api/v2/Company/${encodeURIComponent(String(c.values.id))}`, { MainContactUserID: c.values.mainContactUserId }, bearer);

  const { companyId, integrationKey } = ctx.credentials.appenate;
  for (const u of users)
    call(appenate, ctx, 'POST', `/api/v2/user?format=json&CompanyId=${companyId}&IntegrationKey=${encodeURIComponent(integrationKey)}`, {
      ExternalId: u.values.externalId ?? null, FirstName: u.values.firstName, LastName: u.values.lastName, Email: u.values.email, Country: u.values.country ?? null,
    });
  for (const [, key] of Object.entries(ctx.credentials.springest).slice(0, 1))
    for (const u of users)
      call(springest, ctx, 'POST', `/users.json?api_key=${encodeURIComponent(key)}`, {
        external_id: u.values.externalId, email: u.values.email, first_name: u.values.firstName, last_name: u.values.lastName,
      });

  ctx.state.unified.set(ctx.credentials.unified.connectionId, new Table(generateEmployees(300).map((e): [string, Row] => [String(e.id), e])));
}
