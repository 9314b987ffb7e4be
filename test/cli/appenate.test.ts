import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded } from '../../src/app/embedded-sandbox.js';
import { countRequests } from '../../src/sandbox/stats.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { tempDir, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';

const ENV = { APPENATE_KEY: 'sandbox-key' };

/** An emulated Appenate tenant with its own settings (the vendor leaves them open), seeded with 5 sample users. */
function tenant(settings: Record<string, unknown> = {}): () => Sandbox {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = (await startEmbedded({ port: 0, settings: { appenate: settings } })).sandbox;
  });
  afterAll(() => sandbox?.stop());
  return () => sandbox!;
}

function project(sandbox: Sandbox, extra: Record<string, unknown> = {}): string {
  const dir = tempDir();
  write(dir, 'hrsync.config.json', JSON.stringify({ targets: { forms: { type: 'appenate', baseUrl: sandbox.urls.appenate, companyId: 1, integrationKey: 'env:APPENATE_KEY', ...extra } } }));
  write(dir, 'users.csv', readFileSync(join('samples', 'users.csv')));
  return dir;
}

describe('Appenate as its documents describe it: no list of everyone, groups, invitations', () => {
  const sandbox = tenant(); // the default: an empty Name= search is refused, as the documents allow

  it('plans by looking each row up (no list is made), applies, and a re-run writes nothing; --missing says it could do nothing', async () => {
    const dir = project(sandbox());
    const searches = () => countRequests(sandbox().stats(), { platform: 'appenate', endpoint: 'user/search' });
    const before = searches();
    const dry = await hrsyncIn(['import', 'users.csv', '--dry-run', '--missing', 'delete'], { cwd: dir, env: ENV });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Plan: 15 to create, 0 to update, 5 unchanged.');
    expect(dry.stdout).toContain('appenate "forms" cannot list users: each row was looked up, so records missing from the input cannot be found and --missing delete did nothing');
    expect(searches()).toBe(before);
    expect((await hrsyncIn(['import', 'users.csv', '--yes'], { cwd: dir, env: ENV })).code).toBe(0);
    expect(sandbox().state().appenate.users.size).toBe(20);
    expect((await hrsyncIn(['import', 'users.csv', '--dry-run', '--detailed-exitcode'], { cwd: dir, env: ENV })).code).toBe(0);
  });

  it('creates a user’s groups first, sends them by name, and never plans them again; a group that exists nowhere is an error', async () => {
    const dir = project(sandbox());
    write(dir, 'groups.csv', 'Name\nDrivers\nWarehouse\n');
    write(dir, 'staff.csv', 'Employee ID,First name,Last name,Email,Groups,Website role\nG1,Gail,Green,gail@forms.example.com,Drivers;Warehouse,VendorAdmin\n');
    const run = await hrsyncIn(['import', 'groups.csv', 'staff.csv', '--yes'], { cwd: dir, env: ENV });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain('Plan: 3 to create, 0 to update, 0 unchanged.');
    const state = sandbox().state().appenate;
    const gail = state.users.rows().find((u) => u.ExternalId === 'G1')!;
    expect((gail.Groups as string[]).map((id) => state.groups.get(id)?.Name).sort()).toEqual(['Drivers', 'Warehouse']);
    expect(gail.WebsiteRole).toBe('VendorAdmin');
    expect((await hrsyncIn(['import', 'groups.csv', 'staff.csv', '--dry-run', '--detailed-exitcode'], { cwd: dir, env: ENV })).code).toBe(0);

    write(dir, 'stray.csv', 'Employee ID,First name,Last name,Email,Groups\nG2,Hal,Hill,hal@forms.example.com,Drivers;Nightshift\n');
    const stray = await hrsyncIn(['validate', 'groups.csv', 'stray.csv', '--target', 'forms'], { cwd: dir, env: ENV });
    expect(stray.code).toBe(3);
    expect(stray.stdout).toMatch(/stray\.csv:2.*Nightshift/);
  });

  it('says in the plan who gets an invitation e-mail and which licence, and sends none when told so', async () => {
    const quiet = project(sandbox(), { invite: false, userType: 'Standard' });
    write(quiet, 'new.csv', 'Employee ID,First name,Last name,Email,Invite\nN1,Nia,New,nia@forms.example.com,\nN2,Ned,New,ned@forms.example.com,yes\n');
    const invited = () => sandbox().state().appenate.invitations.map((i) => i.Email);
    const dry = await hrsyncIn(['import', 'new.csv', '--dry-run'], { cwd: quiet, env: ENV });
    expect(dry.stdout).toContain('appenate "forms" e-mails an invitation to 1 of the 2 users created');
    expect(dry.stdout).toContain('licence types of the users created: 2 × Standard');
    expect((await hrsyncIn(['import', 'new.csv', '--yes'], { cwd: quiet, env: ENV })).code).toBe(0);
    expect(invited()).toContain('ned@forms.example.com');
    expect(invited()).not.toContain('nia@forms.example.com');
    expect(sandbox().state().appenate.users.rows().find((u) => u.ExternalId === 'N1')!.Type).toBe('Standard');
    // Re-run: the invitation is a create option, never a change.
    expect((await hrsyncIn(['import', 'new.csv', '--dry-run', '--detailed-exitcode'], { cwd: quiet, env: ENV })).code).toBe(0);

    const loud = project(sandbox());
    write(loud, 'one.csv', 'Employee ID,First name,Last name,Email\nL1,Lou,Loud,lou@forms.example.com\n');
    const plan = await hrsyncIn(['import', 'one.csv', '--dry-run'], { cwd: loud, env: ENV });
    expect(plan.stdout).toContain('e-mails an invitation to 1 of the 1 users created');
    expect(plan.stdout).toContain('1 × the platform’s default type');
  });
});

describe('Appenate with listAll against a tenant whose empty search finds no one', () => {
  const sandbox = tenant({ emptyNameSearch: 'none' });

  it('stops before planning anyone as new: the list said nobody, a lookup found someone (exit 4)', async () => {
    const dir = project(sandbox(), { listAll: true });
    const run = await hrsyncIn(['import', 'users.csv', '--dry-run'], { cwd: dir, env: ENV });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('appenate "forms" listed no users, yet externalId=E1001 (users.csv:2) is there: its list is not complete');
    expect(run.stdout).not.toContain('to create');
  });
});
