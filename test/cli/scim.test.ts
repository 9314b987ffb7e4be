import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { countRequests } from '../../src/sandbox/stats.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { startScimServer, type ScimServer } from '../helpers/scim-server.js';

const TOKEN = 'scim-cli-token-42';
const ENV = { SCIM_TOKEN: TOKEN };

/** One project folder pointing at a SCIM service provider. */
function project(baseUrl: string): string {
  const dir = tempDir();
  write(dir, 'hrsync.config.json', JSON.stringify({ targets: { scim: { type: 'scim', baseUrl, token: 'env:SCIM_TOKEN' } } }));
  for (const name of ['users.csv', 'groups.csv']) write(dir, name, readFileSync(join(ROOT, 'samples', name)));
  write(dir, 'members.csv', 'Employee ID,Email,First name,Last name,Groups\nE1001,james.smith@acme-logistics.co.uk,James,Smith,Retail customers;Healthcare\n');
  return dir;
}

/** The same end-to-end flow against any SCIM server: plan, apply, nothing left to do, export. */
async function importAndExport(dir: string, run = (args: string[]) => hrsyncIn(args, { cwd: dir, env: ENV })) {
  const dry = await run(['import', 'groups.csv', 'users.csv', '--target', 'scim', '--dry-run', '--detailed-exitcode']);
  expect(dry.code, dry.stderr).toBe(2);
  expect(dry.stdout).toContain('Plan: 23 to create, 0 to update, 0 unchanged.');
  const applied = await run(['import', 'groups.csv', 'users.csv', '--target', 'scim', '--yes']);
  expect(applied.code, applied.stderr).toBe(0);
  expect(applied.stderr).toContain('23 changes applied, 0 failed, 0 skipped');
  const again = await run(['import', 'groups.csv', 'users.csv', '--dry-run', '--detailed-exitcode']);
  expect(again.code, again.stdout).toBe(0);
  expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 23 unchanged.');

  const members = await run(['import', 'members.csv', 'groups.csv', '--yes']);
  expect(members.code, members.stderr).toBe(0);
  expect(members.stdout).toContain('    groups: (blank) → "Retail customers;Healthcare"');
  expect((await run(['import', 'members.csv', 'groups.csv', '--dry-run'])).stdout).toContain('Plan: 0 to create, 0 to update, 4 unchanged.');

  const users = await run(['export', '--entity', 'users', '--fields', 'externalId,email,country,groups', '-o', 'out.csv']);
  expect(users.code, users.stderr).toBe(0);
  const rows = readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\n');
  expect(rows).toHaveLength(21);
  expect(rows).toContain('E1001,james.smith@acme-logistics.co.uk,GB,Retail customers;Healthcare');
  const groups = await run(['export', '--entity', 'groups', '--format', 'json']);
  expect(JSON.parse(groups.stdout).map((g: { label: string }) => g.label).sort()).toEqual(['Healthcare', 'Professional services', 'Retail customers']);
}

describe('SCIM 2.0 end to end, against scimmy (a SCIM server no one on the team wrote)', () => {
  let server: ScimServer;
  beforeAll(async () => {
    server = await startScimServer({ token: TOKEN });
  });
  afterAll(() => server.stop());

  it('imports groups and users (dry run, apply, nothing left), keeps group membership, and exports both', async () => {
    const dir = project(server.url);
    await importAndExport(dir);
    const james = [...server.store.users.values()].find((u) => u.externalId === 'E1001');
    expect(james).toMatchObject({ userName: 'james.smith@acme-logistics.co.uk', name: { givenName: 'James', familyName: 'Smith', honorificPrefix: 'Mr' }, active: true });
    expect(james['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toMatchObject({ employeeNumber: 'E1001' });
    const retail = [...server.store.groups.values()].find((g) => g.displayName === 'Retail customers');
    expect(retail.members).toEqual([{ value: james.id }]);
  });

  it('deactivates users missing from the input with active=false, and refuses a wrong token (exit 4, no secret shown)', async () => {
    const dir = project(server.url);
    write(dir, 'few.csv', readFileSync(join(ROOT, 'samples', 'users.csv'), 'utf8').split('\n').slice(0, 19).join('\n') + '\n');
    const run = await hrsyncIn(['import', 'few.csv', '--missing', 'deactivate', '--max-missing', '2', '--yes'], { cwd: dir, env: ENV });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Plan: 0 to create, 0 to update, 2 to deactivate, 18 unchanged.');
    // E1015 left the samples' company already (Status Disabled, so active=false).
    expect([...server.store.users.values()].filter((u) => u.active === false).map((u) => u.externalId).sort()).toEqual(['E1015', 'E1019', 'E1020']);
    const refused = await hrsyncIn(['export'], { cwd: dir, env: { SCIM_TOKEN: 'not-the-token' } });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('the credentials were refused');
    expect(refused.stderr + refused.stdout).not.toContain('not-the-token');
  });
});

describe('SCIM 2.0 end to end, against the emulator', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, credentials: { scim: { token: TOKEN } } }); // not seeded: an empty provider
  });
  afterAll(() => sandbox.stop());

  it('does the same: plan, apply, nothing left to do, membership, export', async () => {
    await importAndExport(project(sandbox.urls.scim));
    expect(sandbox.state().scim.Users.size).toBe(20);
  });

  it('validates against the live target reading only what the file refers to', async () => {
    const dir = project(sandbox.urls.scim);
    const groupsRead = () => countRequests(sandbox.stats(), { platform: 'scim', endpoint: 'Groups', method: 'GET' });
    const before = groupsRead();
    const plain = await hrsyncIn(['validate', 'users.csv', '--target', 'scim'], { cwd: dir, env: ENV });
    expect(plain.code, plain.stdout).toBe(0);
    expect(groupsRead()).toBe(before); // no Groups column: the groups are not read
    const members = await hrsyncIn(['validate', 'members.csv', '--target', 'scim', '--format', 'json'], { cwd: dir, env: ENV });
    expect(JSON.parse(members.stdout)).toMatchObject({ ok: true, checkedAgainst: 'scim "scim"' });
    expect(groupsRead()).toBeGreaterThan(before);
  });
});

describe('SCIM 2.0 against scimmy without PATCH (membership by read and replace)', () => {
  let server: ScimServer;
  beforeAll(async () => {
    server = await startScimServer({ token: TOKEN, patch: false });
  });
  afterAll(() => server.stop());

  it('keeps every member when many users join one group at once (the read-and-replace of a group is never interleaved)', async () => {
    const dir = project(server.url);
    write(dir, 'groups.csv', 'Name\nEveryone\n');
    const rows = Array.from({ length: 30 }, (_, i) => `E${2000 + i},p${i}@race.example.com,P${i},Member,Everyone`);
    write(dir, 'many.csv', ['Employee ID,Email,First name,Last name,Groups', ...rows].join('\n') + '\n');
    const run = await hrsyncIn(['import', 'groups.csv', 'many.csv', '--concurrency', '8', '--yes'], { cwd: dir, env: ENV });
    expect(run.code, run.stderr).toBe(0);
    const everyone = [...server.store.groups.values()].find((g) => g.displayName === 'Everyone');
    expect((everyone.members ?? []).length).toBe(30);
    const again = await hrsyncIn(['import', 'groups.csv', 'many.csv', '--dry-run', '--detailed-exitcode'], { cwd: dir, env: ENV });
    expect(again.code, again.stdout).toBe(0);
  });
});
