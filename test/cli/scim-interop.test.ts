import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { countRequests } from '../../src/sandbox/stats.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';

const TOKEN = 'scim-interop-token-7';
const ENV = { SCIM_TOKEN: TOKEN };
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const HEADER = 'Employee ID,Email,First name,Last name,Department,Groups';

type Row = Record<string, unknown>;

/**
 * SCIM providers differ where the RFCs let them: users without `groups` (optional, RFC 7643 §4.1.2),
 * groups listed without their members, no PATCH, no filtering, no enterprise extension, a displayName
 * stored as sent. Each variant of the emulator below is one such provider; hrsync must be right on each.
 */
const VARIANTS: Array<[string, Row]> = [
  ['users without groups, PATCH (the emulator’s default)', {}],
  ['users with groups', { userGroups: true }],
  ['groups listed without members (returned on request)', { groupMembers: 'request' }],
  ['no PATCH (PUT), no filtering', { patch: false, filter: false }],
  ['writes in /Bulk requests (RFC 7644 §3.7)', { bulk: true }],
  ['/Bulk without PATCH: memberships by read and replace after each bulk', { bulk: true, patch: false }],
];

function project(baseUrl: string, config: Row = {}): string {
  const dir = tempDir();
  write(dir, 'hrsync.config.json', JSON.stringify({ targets: { scim: { type: 'scim', baseUrl, token: 'env:SCIM_TOKEN', ...config } } }));
  write(dir, 'groups.csv', readFileSync(join(ROOT, 'samples', 'groups.csv')));
  return dir;
}

describe.each(VARIANTS)('SCIM membership read from the groups: %s', (_name, settings) => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, credentials: { scim: { token: TOKEN } }, settings: { scim: settings } });
  });
  afterAll(() => sandbox.stop());
  const writes = () => countRequests(sandbox.stats(), { platform: 'scim', method: WRITES });
  const group = (label: string) => sandbox.state().scim.Groups.rows().find((g) => g.displayName === label)!;
  const userId = (externalId: string) => String(sandbox.state().scim.Users.rows().find((u) => u.externalId === externalId)!.id);
  const members = (label: string) => ((group(label).members as Array<{ value: string }> | undefined) ?? []).map((m) => m.value);

  it('plans additions and removals, re-runs with no write, and exports each user’s groups', async () => {
    const dir = project(sandbox.urls.scim);
    const run = (args: string[]) => hrsyncIn(args, { cwd: dir, env: ENV });
    write(dir, 'people.csv', [HEADER, 'M1,m1@x.co.uk,Ann,Lee,Sales,Retail customers;Healthcare', 'M2,m2@x.co.uk,Bob,Ray,Sales,Healthcare', 'M3,m3@x.co.uk,Cy,Lo,Sales,'].join('\n') + '\n');
    const first = await run(['import', 'groups.csv', 'people.csv', '--yes']);
    expect(first.code, first.stderr).toBe(0);
    expect(members('Retail customers')).toEqual([userId('M1')]);
    expect(members('Healthcare').sort()).toEqual([userId('M1'), userId('M2')].sort());
    // A re-run plans nothing and sends nothing.
    const before = writes();
    const again = await run(['import', 'groups.csv', 'people.csv', '--yes', '--detailed-exitcode']);
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 6 unchanged.');
    expect(writes()).toBe(before);
    // M1 leaves Retail customers, M3 joins it: both planned, both sent.
    write(dir, 'people.csv', [HEADER, 'M1,m1@x.co.uk,Ann,Lee,Sales,Healthcare', 'M2,m2@x.co.uk,Bob,Ray,Sales,Healthcare', 'M3,m3@x.co.uk,Cy,Lo,Sales,Retail customers'].join('\n') + '\n');
    const moved = await run(['import', 'people.csv', '--yes']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain('Plan: 0 to create, 2 to update, 1 unchanged.');
    expect(moved.stdout).toContain('groups: "Retail customers;Healthcare" → "Healthcare"');
    expect(members('Retail customers')).toEqual([userId('M3')]);
    const settled = await run(['import', 'people.csv', '--dry-run', '--detailed-exitcode']);
    expect(settled.code, settled.stdout).toBe(0);
    // Export carries each user's groups, read from the groups.
    const exported = await run(['export', '--entity', 'users', '--fields', 'externalId,groups', '-o', 'out.csv']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\n').sort()).toEqual(['M1,Healthcare', 'M2,Healthcare', 'M3,Retail customers', 'externalId,groups']);
  });
});

describe('SCIM discovery, names and what a provider does not hold', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, credentials: { scim: { token: TOKEN } }, settings: { scim: { enterprise: false, patch: false } } });
  });
  afterAll(() => sandbox.stop());

  it('reads ServiceProviderConfig, ResourceTypes and Schemas once, sends PUT where PATCH is not offered, and never sends what the provider does not hold', async () => {
    const dir = project(sandbox.urls.scim);
    write(dir, 'people.csv', [HEADER, 'D1,d1@x.co.uk,Ann,Lee,Sales,'].join('\n') + '\n');
    const run = await hrsyncIn(['import', 'people.csv', '--yes'], { cwd: dir, env: ENV });
    expect(run.code, run.stderr).toBe(0);
    const stats = sandbox.stats();
    for (const endpoint of ['ServiceProviderConfig', 'ResourceTypes', 'Schemas']) expect(countRequests(stats, { platform: 'scim', endpoint, method: 'GET' })).toBe(1);
    const user = sandbox.state().scim.Users.rows().find((u) => u.externalId === 'D1')!;
    expect(user[ENTERPRISE]).toBeUndefined(); // no enterprise extension: department is not sent (it would be a 400)
    // The department cannot be stored there: it is never diffed, so a re-run plans nothing.
    const again = await hrsyncIn(['import', 'people.csv', '--dry-run', '--detailed-exitcode'], { cwd: dir, env: ENV });
    expect(again.code, again.stdout).toBe(0);
    // A surname change: PUT (no PATCH), and displayName and name.formatted follow the name parts.
    write(dir, 'people.csv', [HEADER, 'D1,d1@x.co.uk,Ann,Smith,Sales,'].join('\n') + '\n');
    const renamed = await hrsyncIn(['import', 'people.csv', '--yes'], { cwd: dir, env: ENV });
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(countRequests(sandbox.stats(), { platform: 'scim', endpoint: 'Users', method: 'PUT' })).toBe(1);
    expect(sandbox.state().scim.Users.rows().find((u) => u.externalId === 'D1')).toMatchObject({ displayName: 'Ann Smith', name: { givenName: 'Ann', familyName: 'Smith', formatted: 'Ann Smith' } });
  });
});

describe('SCIM names with PATCH', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, credentials: { scim: { token: TOKEN } } });
  });
  afterAll(() => sandbox.stop());

  it('changes a name part by its sub-attribute path, never replaying name.formatted as read, and keeps displayName in step', async () => {
    const dir = project(sandbox.urls.scim);
    write(dir, 'people.csv', [HEADER, 'N1,n1@x.co.uk,Ann,Lee,Sales,'].join('\n') + '\n');
    expect((await hrsyncIn(['import', 'people.csv', '--yes'], { cwd: dir, env: ENV })).code).toBe(0);
    // Another client (or the provider) wrote its own formatted name and displayName.
    const id = String(sandbox.state().scim.Users.rows().find((u) => u.externalId === 'N1')!.id);
    const stored = sandbox.state().scim.Users.get(id)!;
    sandbox.state().scim.Users.set(id, { ...stored, displayName: 'Lee, Ann (Sales)', name: { ...(stored.name as Row), formatted: 'Ms Ann Lee' } });
    write(dir, 'people.csv', [HEADER, 'N1,n1@x.co.uk,Ann,Smith,Sales,'].join('\n') + '\n');
    const run = await hrsyncIn(['import', 'people.csv', '--yes'], { cwd: dir, env: ENV });
    expect(run.code, run.stderr).toBe(0);
    expect(sandbox.state().scim.Users.get(id)).toMatchObject({ displayName: 'Ann Smith', name: { givenName: 'Ann', familyName: 'Smith', formatted: 'Ann Smith' } });
    // With displayName: none, hrsync leaves them as the provider has them.
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { scim: { type: 'scim', baseUrl: sandbox.urls.scim, token: 'env:SCIM_TOKEN', displayName: 'none' } } }));
    sandbox.state().scim.Users.set(id, { ...sandbox.state().scim.Users.get(id)!, displayName: 'Smith, Ann' });
    write(dir, 'people.csv', [HEADER, 'N1,n1@x.co.uk,Ann,Jones,Sales,'].join('\n') + '\n');
    expect((await hrsyncIn(['import', 'people.csv', '--yes'], { cwd: dir, env: ENV })).code).toBe(0);
    expect(sandbox.state().scim.Users.get(id)).toMatchObject({ displayName: 'Smith, Ann', name: { familyName: 'Jones', formatted: 'Ann Smith' } });
  });
});

describe('SCIM: a manager’s email changed in the same run as the reports that name it', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, credentials: { scim: { token: TOKEN } } });
  });
  afterAll(() => sandbox.stop());

  it('updates the manager, leaves the report alone (its manager is the same id on the wire), and applies cleanly', async () => {
    const dir = project(sandbox.urls.scim);
    const people = (managerEmail: string) => ['Employee ID,Email,First name,Last name,Manager email', `M1,${managerEmail},Mia,Boss,`, `R1,rob@x.co.uk,Rob,Report,${managerEmail}`].join('\n') + '\n';
    write(dir, 'people.csv', people('mia@x.co.uk'));
    expect((await hrsyncIn(['import', 'people.csv', '--yes'], { cwd: dir, env: ENV })).code).toBe(0);
    const id = (x: string) => String(sandbox.state().scim.Users.rows().find((u) => u.externalId === x)!.id);
    const managerOf = (x: string) => (sandbox.state().scim.Users.rows().find((u) => u.externalId === x)![ENTERPRISE] as { manager?: { value?: string } } | undefined)?.manager?.value;
    expect(managerOf('R1')).toBe(id('M1'));
    write(dir, 'people.csv', people('mia.boss@x.co.uk'));
    const run = await hrsyncIn(['import', 'people.csv', '--yes'], { cwd: dir, env: ENV });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Plan: 0 to create, 1 to update, 1 unchanged.');
    expect(managerOf('R1')).toBe(id('M1'));
    const again = await hrsyncIn(['import', 'people.csv', '--dry-run', '--detailed-exitcode'], { cwd: dir, env: ENV });
    expect(again.code, again.stdout).toBe(0);
  });
});

describe('SCIM: two groups whose names differ only by case', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, credentials: { scim: { token: TOKEN } } });
  });
  afterAll(() => sandbox.stop());

  it('takes the user out of the one not named exactly, and a re-run plans nothing (never an update that sends nothing, every run)', async () => {
    const dir = project(sandbox.urls.scim);
    write(dir, 'people.csv', [HEADER, 'K1,k1@x.co.uk,Kim,Case,,'].join('\n') + '\n');
    expect((await hrsyncIn(['import', 'people.csv', '--yes'], { cwd: dir, env: ENV })).code).toBe(0);
    const user = userIdOf(sandbox, 'K1');
    for (const [id, displayName] of [['g-exact', 'Sales'], ['g-upper', 'SALES']] as const) sandbox.state().scim.Groups.set(id, { id, schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName, members: [{ value: user }] });
    write(dir, 'people.csv', [HEADER, 'K1,k1@x.co.uk,Kim,Case,,Sales'].join('\n') + '\n');
    const run = await hrsyncIn(['import', 'people.csv', '--yes'], { cwd: dir, env: ENV });
    expect(run.code, run.stderr).toBe(0);
    const members = (id: string) => ((sandbox.state().scim.Groups.get(id)!.members as Array<{ value: string }> | undefined) ?? []).map((m) => m.value);
    expect([members('g-exact'), members('g-upper')]).toEqual([[user], []]);
    const again = await hrsyncIn(['import', 'people.csv', '--dry-run', '--detailed-exitcode'], { cwd: dir, env: ENV });
    expect(again.code, again.stdout).toBe(0);
  });
});

function userIdOf(sandbox: Sandbox, externalId: string): string {
  return String(sandbox.state().scim.Users.rows().find((u) => u.externalId === externalId)!.id);
}
