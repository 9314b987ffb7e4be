import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.js';
import { tempDir, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

/**
 * A target's policy through the CLI (issue 23 items 8 and 9), on accessplanit and SCIM: a scope in the
 * config and --where, a field the target owns, a protected account, and --mode.
 */
const ENV = { KEY: 'sandbox-key', FORCE_COLOR: '0' };
const HEADER = 'Employee ID,First name,Last name,Email,Company ID,Department,Job title';
const row = (id: string, first: string, dept: string, title = 'Rep', email = `${id.toLowerCase()}@policy.example`) => `${id},${first},Staff,${email},ACME01,${dept},${title}`;

type Seen = { active: boolean; first: string; title: string | undefined } | undefined;
const PLATFORMS: Array<{ name: string; target: (s: Sandbox) => Record<string, unknown>; seen: (s: Sandbox, id: string) => Seen }> = [
  {
    name: 'accessplanit',
    target: (s) => ({ type: 'accessplanit', baseUrl: s.urls.accessplanit, apiKey: 'env:KEY' }),
    seen: (s, id) => {
      const u = s.state().accessplanit.User.rows().find((r) => r.ExternalID === id);
      return u && { active: u.Status !== 'Disabled', first: String(u.Forenames), title: (u.JobTitle as string | null) || undefined };
    },
  },
  {
    name: 'scim',
    target: (s) => ({ type: 'scim', baseUrl: s.urls.scim, token: 'env:KEY' }),
    seen: (s, id) => {
      const u = s.state().scim.Users.rows().find((r) => r.externalId === id) as Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
      return u && { active: u.active !== false, first: String(u.name?.givenName), title: u.title || undefined };
    },
  },
];

describe('scope, owned fields, protected accounts and run modes through the CLI', () => {
  const sandbox = useSandbox();

  for (const platform of PLATFORMS)
    it(`${platform.name}: out of scope is neither written nor missing, the target's field is never sent, the protected account stays, --mode create only creates`, async () => {
      const s = sandbox();
      const dir = tempDir();
      const policy = { scope: { department: ['Sales', 'Support'] }, targetOwned: ['jobTitle'], protected: { keys: ['email=boss@policy.example'] } };
      write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: { ...platform.target(s), ...policy } } }));
      const set = (...rows: string[]) => write(dir, 'staff.csv', `${[HEADER, ...rows].join('\n')}\n`);
      const run = (...more: string[]) => hrsyncIn(['import', 'staff.csv', ...more], { cwd: dir, env: ENV });
      const seen = (id: string) => platform.seen(s, id);

      set(row('P1', 'Ana', 'Sales'), row('P2', 'Ben', 'support'), row('P3', 'Cy', 'Sales'), row('PB', 'Boss', 'Sales', 'CEO', 'boss@policy.example'), row('PF', 'Fay', 'Finance'));
      const first = await run('--yes');
      expect(first.code, first.stdout + first.stderr).toBe(0);
      expect(first.stdout).toContain('⊘ out of scope users externalId=PF (staff.csv:6): out of scope (department "Finance" is not in');
      expect(first.stdout).toContain('not created');
      expect(first.stdout).toContain('jobTitle "Rep" is owned by');
      expect(first.stdout).toMatch(/Plan: 4 to create, .*1 row out of scope, 4 owned fields not sent\./);
      expect([seen('P1'), seen('PF')]).toEqual([{ active: true, first: 'Ana', title: undefined }, undefined]);

      // P3 moves out of scope; P2 and the protected boss are missing; P1's title changes (the target's) and name.
      set(row('P1', 'Anna', 'Sales', 'Lead'), row('P3', 'Cyrus', 'Finance'), row('PF', 'Fay', 'Finance'));
      const args = ['--missing', 'deactivate', '--max-missing', '100%', '--where', 'department=Sales,Finance'];
      const dry = await run(...args, '--dry-run', '--format', 'json');
      expect(dry.stdout, dry.stderr).not.toBe('');
      const json = JSON.parse(dry.stdout) as { decisions: Array<{ kind: string; key: string; not: string }>; operations: Array<{ action: string; key: string }> };
      expect(json.decisions.filter((d) => d.kind !== 'owned' || d.key === 'externalId=P1').map((d) => [d.kind, d.key.replace(/ \(id .*\)$/, ''), d.not])).toEqual([
        ['scope', 'externalId=P3', 'update'],
        ['scope', 'externalId=PF', 'create'],
        ['owned', 'externalId=P1', 'send'],
        ['protected', 'externalId=PB', 'deactivate'],
      ]);
      const second = await run(...args, '--yes', '--report', 'report.html');
      expect(second.code, second.stdout + second.stderr).toBe(0);
      expect(second.stdout).toMatch(/protected users externalId=PB .*: protected \(email=boss@policy\.example\): not deactivated/);
      expect(second.stdout).toMatch(/jobTitle differs \("?\(blank\)"? on .*, "Lead" in the input\) but is owned by/);
      expect([seen('P1'), seen('P2'), seen('P3'), seen('PB')]).toEqual([
        { active: true, first: 'Anna', title: undefined },
        { active: false, first: 'Ben', title: undefined },
        { active: true, first: 'Cy', title: undefined },
        { active: true, first: 'Boss', title: undefined },
      ]);
      const report = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(report).toContain('id="policy-table"');
      expect(report).toContain('not deactivated');

      // --mode create: the new row is made, the change to an existing one is not sent.
      set(row('P1', 'Annie', 'Sales'), row('P4', 'Dee', 'Sales'));
      const third = await run('--mode', 'create', '--yes');
      expect(third.code, third.stdout + third.stderr).toBe(0);
      expect(third.stdout).toContain('⊘ mode users externalId=P1 (staff.csv:2): not updated: the run’s mode leaves updates out');
      expect([seen('P1')?.first, seen('P4')?.first]).toEqual(['Anna', 'Dee']);
    });

  it('a --where or --mode that names nothing known is a usage error before anything is read (exit 64)', async () => {
    const s = sandbox();
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: PLATFORMS[0]!.target(s) } }));
    write(dir, 'staff.csv', `${HEADER}\n${row('Q1', 'Quinn', 'Sales')}\n`);
    const where = await hrsyncIn(['import', 'staff.csv', '--dry-run', '--where', 'departmnet=Sales'], { cwd: dir, env: ENV });
    expect([where.code, where.stderr]).toEqual([64, expect.stringContaining('--where names "departmnet", which is no field of users')]);
    const mode = await hrsyncIn(['import', 'staff.csv', '--dry-run', '--mode', 'create,delete'], { cwd: dir, env: ENV });
    expect([mode.code, mode.stderr]).toEqual([64, expect.stringContaining('"delete" is not a kind of write')]);
  });
});
