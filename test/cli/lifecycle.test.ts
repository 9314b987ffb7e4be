import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.js';
import { tempDir, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

/**
 * Joiners and leavers through the CLI, on a simulated calendar (--as-of), against every emulated
 * platform that can be written to: a leaver in Auckland and one in Los Angeles with the same last day,
 * a joiner in Berlin before and after local midnight of their start day, deleteDaysAfter, the one
 * deactivation brake, and invalid time zones in a cell and in the config.
 */
const ENV = { KEY: 'sandbox-key', FORCE_COLOR: '0' };
const STAFF = [
  'Employee ID,First name,Last name,Email,Company ID,Start date,End date,Time zone',
  'L1,Aroha,Ngata,aroha@lc.example,ACME01,2020-01-01,2027-01-31,Pacific/Auckland',
  'L2,Dana,Reyes,dana@lc.example,ACME01,2020-01-01,2027-01-31,America/Los_Angeles',
  'J1,Jonas,Neu,jonas@lc.example,ACME01,2027-03-01,,Europe/Berlin',
  ...Array.from({ length: 7 }, (_, i) => `S${i},Sam,Staff${i},sam${i}@lc.example,ACME01,2019-05-01,,`),
].join('\n');

/** Where each platform keeps a user: its state, as the tests read it (undefined: not there). */
type Seen = { active: boolean } | undefined;
const PLATFORMS: Array<{ name: string; target: (s: Sandbox) => Record<string, unknown>; seen: (s: Sandbox, id: string) => Seen; softDelete: boolean; canDelete: boolean }> = [
  {
    name: 'accessplanit',
    target: (s) => ({ type: 'accessplanit', baseUrl: s.urls.accessplanit, apiKey: 'env:KEY' }),
    seen: (s, id) => {
      const u = s.state().accessplanit.User.rows().find((r) => r.ExternalID === id);
      return u && { active: u.Status !== 'Disabled' };
    },
    softDelete: true,
    canDelete: true,
  },
  {
    name: 'scim',
    target: (s) => ({ type: 'scim', baseUrl: s.urls.scim, token: 'env:KEY' }),
    seen: (s, id) => {
      const u = s.state().scim.Users.rows().find((r) => r.externalId === id);
      return u && { active: u.active !== false };
    },
    softDelete: true,
    canDelete: true,
  },
  {
    name: 'springest',
    target: (s) => ({ type: 'springest', sites: { default: { baseUrl: s.urls.springest, apiKey: 'env:KEY' } } }),
    seen: (s, id) => {
      const u = s.state().springest.get('default')!.find((r) => r.external_id === id);
      return u && { active: u.active !== false };
    },
    softDelete: true,
    canDelete: false,
  },
  {
    name: 'appenate',
    target: (s) => ({ type: 'appenate', baseUrl: s.urls.appenate, companyId: 1, integrationKey: 'env:KEY' }),
    seen: (s, id) => (s.state().appenate.users.rows().some((r) => r.ExternalId === id) ? { active: true } : undefined),
    softDelete: false,
    canDelete: true,
  },
];

describe('joiners and leavers through the CLI, on every writable platform', () => {
  const sandbox = useSandbox();
  const project = (target: Record<string, unknown>, more: Record<string, unknown> = {}) => {
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: { ...target, ...more } } }));
    write(dir, 'staff.csv', `${STAFF}\n`);
    return dir;
  };

  for (const platform of PLATFORMS)
    it(`${platform.name}: Auckland's leaver ends before Los Angeles', Berlin's joiner waits for local midnight, deleteDaysAfter deletes`, async () => {
      const s = sandbox();
      const dir = project(platform.target(s), { deleteDaysAfter: 30, maxDeactivations: '50%' });
      const run = (asOf: string, ...more: string[]) => hrsyncIn(['import', 'staff.csv', '--yes', '--as-of', asOf, ...more], { cwd: dir, env: ENV });
      const seen = (id: string) => platform.seen(s, id);

      // An hour before Auckland's midnight: everyone current is made; the joiner waits.
      const first = await run('2027-01-31T10:00:00Z');
      expect(first.code, first.stdout + first.stderr).toBe(0);
      expect(first.stdout).toContain('externalId=J1 (staff.csv:4): waiting until 2027-03-01 00:00 Europe/Berlin');
      expect(first.stdout).toMatch(/1 joiner waiting\./);
      expect([seen('L1'), seen('L2'), seen('J1')]).toEqual([{ active: true }, { active: true }, undefined]);

      // 00:30 in Auckland, 03:30 the day before in Los Angeles: one leaver, the other not yet.
      const json = await hrsyncIn(['import', 'staff.csv', '--dry-run', '--as-of', '2027-02-01T00:30', '--format', 'json', '--out', 'plan.json'], { cwd: dir, env: { ...ENV } });
      const plan = JSON.parse(json.stdout) as { lifecycle: Array<{ key: string; outcome: string; leftAtLocal: string }>; asOf: string };
      expect(plan.asOf).toBe('2027-02-01T00:30:00.000Z'); // no zone in the config: UTC
      expect(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')).lifecycle).toEqual(plan.lifecycle);
      const second = await run('2027-01-31T11:30:00Z', '--report', 'report.html');
      expect(second.code, second.stdout + second.stderr).toBe(0);
      const l1 = platform.softDelete ? 'deactivated' : `${platform.name} "lms" has no soft delete for users, so it is left as it is; deleted from 2027-03-03 00:00 Pacific/Auckland`;
      expect(second.stdout).toContain(`leaver since 2027-02-01 00:00 Pacific/Auckland (last day 2027-01-31): ${l1}`);
      expect(second.stdout).not.toContain('externalId=L2');
      const page = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(page).toContain('leaver since 2027-02-01 00:00 Pacific/Auckland');
      // The moment it was planned as of: UTC in the page, the reader's own time once its script runs.
      expect(page).toContain('As of <b><time datetime="2027-01-31T11:30:00.000Z" data-instant>2027-01-31 11:30:00 UTC</time></b> (--as-of)');
      expect([seen('L1'), seen('L2')]).toEqual([{ active: !platform.softDelete }, { active: true }]);

      // Berlin's 1 March starts at 23:00 UTC on 28 February: a second before, the joiner still waits.
      expect((await run('2027-02-28T22:59:59Z')).stdout).toContain('externalId=J1 (staff.csv:4): waiting until');
      expect(seen('J1')).toBeUndefined();
      const joined = await run('2027-02-28T23:00:00Z');
      expect(joined.code, joined.stdout + joined.stderr).toBe(0);
      expect(seen('J1')).toEqual({ active: true });
      expect([seen('L2')]).toEqual([{ active: !platform.softDelete }]);

      // deleteDaysAfter 30: Auckland's account goes from 3 March (local); Los Angeles' later that day.
      const deleted = await run('2027-03-02T12:00:00Z');
      expect(deleted.code, deleted.stdout + deleted.stderr).toBe(0);
      if (platform.canDelete) expect(deleted.stdout).toContain('externalId=L1');
      expect([seen('L1'), seen('L2')]).toEqual([platform.canDelete ? undefined : { active: false }, { active: !platform.softDelete }]);
    });

  it('SCIM: the time zone is the user’s timezone attribute (RFC 7643 §4.1.1), compared like any field', async () => {
    const s = sandbox();
    const dir = project(PLATFORMS[1]!.target(s));
    write(dir, 'tz.csv', 'Employee ID,First name,Last name,Email,TZ\nTZ1,Tia,Zone,tia@lc.example,europe/berlin\n');
    expect((await hrsyncIn(['import', 'tz.csv', '--yes'], { cwd: dir, env: ENV })).code).toBe(0);
    expect(s.state().scim.Users.rows().find((u) => u.externalId === 'TZ1')!.timezone).toBe('Europe/Berlin');
    expect((await hrsyncIn(['import', 'tz.csv', '--dry-run'], { cwd: dir, env: ENV })).stdout).toContain('Plan: 0 to create, 0 to update, 1 unchanged.');
    write(dir, 'tz.csv', 'Employee ID,First name,Last name,Email,TZ\nTZ1,Tia,Zone,tia@lc.example,Asia/Kolkata\n');
    expect((await hrsyncIn(['import', 'tz.csv', '--dry-run'], { cwd: dir, env: ENV })).stdout).toContain('timeZone: "Europe/Berlin" → "Asia/Kolkata"');
  });

  it('the one brake counts leavers, missing records and a disabled HR status together (exit 6, nothing written)', async () => {
    const s = sandbox();
    const dir = project(PLATFORMS[0]!.target(s));
    const set = (text: string) => write(dir, 'now.csv', `${text}\n`);
    const people = Array.from({ length: 10 }, (_, i) => `B${i},Bea,Brake${i},bea${i}@lc.example,ACME01,,,,Enabled`);
    const header = 'Employee ID,First name,Last name,Email,Company ID,Start date,End date,Time zone,Status';
    set([header, ...people].join('\n'));
    expect((await hrsyncIn(['import', 'now.csv', '--yes'], { cwd: dir, env: ENV })).code).toBe(0);
    // B0 leaves, B1's HR status is Disabled, B2 is missing: 3 of the target's users.
    set([header, 'B0,Bea,Brake0,bea0@lc.example,ACME01,,2027-01-01,,Enabled', 'B1,Bea,Brake1,bea1@lc.example,ACME01,,,,Disabled', ...people.slice(3)].join('\n'));
    const total = s.state().accessplanit.User.size;
    const args = ['import', 'now.csv', '--yes', '--as-of', '2027-06-01'];
    const stop = await hrsyncIn([...args, '--max-deactivations', '1'], { cwd: dir, env: ENV });
    expect(stop.code, stop.stdout + stop.stderr).toBe(6);
    expect(stop.stderr).toContain(`2 of ${total} users on the target would be deactivated or deleted (1 leaver, 1 disabled by its HR status): more than the limit of 1 (--max-deactivations 1); nothing was written`);
    expect(s.state().accessplanit.User.rows().filter((u) => String(u.ExternalID).startsWith('B') && u.Status === 'Disabled')).toEqual([]);
    // Missing records count too (--missing deactivate): B2 and the target's other users, besides the leaver and the status.
    const three = await hrsyncIn([...args, '--missing', 'deactivate', '--max-missing', '100%', '--max-deactivations', '2'], { cwd: dir, env: ENV });
    expect(three.code, three.stdout + three.stderr).toBe(6);
    expect(three.stderr).toMatch(new RegExp(`\\d+ of ${total} users on the target would be deactivated or deleted \\(\\d+ missing from the input, 1 leaver, 1 disabled by its HR status\\)`));
    // The config's maxDeactivations is the same brake, named where it is set.
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: { ...PLATFORMS[0]!.target(s), maxDeactivations: '1' } } }));
    const configured = await hrsyncIn(args, { cwd: dir, env: ENV });
    expect(configured.code).toBe(6);
    expect(configured.stderr).toContain('more than the limit of 1 (the config’s targets.lms.maxDeactivations 1)');
    // A count may be written as a JSON number too.
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: { ...PLATFORMS[0]!.target(s), maxDeactivations: 1 } } }));
    const asNumber = await hrsyncIn(args, { cwd: dir, env: ENV });
    expect([asNumber.code, asNumber.stderr]).toEqual([6, expect.stringContaining('more than the limit of 1 (the config’s targets.lms.maxDeactivations 1)')]);
    // Without it, --max-missing's limit (10 %) is the brake: raising --max-deactivations lets the run through.
    const raised = await hrsyncIn([...args, '--max-deactivations', '2'], { cwd: dir, env: ENV });
    expect(raised.code, raised.stdout + raised.stderr).toBe(0);
    expect(s.state().accessplanit.User.rows().filter((u) => ['B0', 'B1'].includes(String(u.ExternalID))).map((u) => u.Status)).toEqual(['Disabled', 'Disabled']);
  });

  it('an invalid time zone: a cell is a validation error with a hint; the config’s is a config error; a bad --as-of is a usage error', async () => {
    const dir = project(PLATFORMS[0]!.target(sandbox()));
    write(dir, 'bad.csv', 'Employee ID,First name,Last name,Company ID,Time zone\nZ1,Zed,Zone,ACME01,Europe/Berln\nZ2,Zoe,Zone,ACME01,+02:00\n');
    const cell = await hrsyncIn(['validate', 'bad.csv', '--format', 'json'], { cwd: dir, env: ENV });
    expect(cell.code).toBe(3);
    const issues = (JSON.parse(cell.stdout) as { issues: Array<Record<string, unknown>> }).issues.filter((i) => i.code === 'invalid_time_zone');
    expect(issues).toEqual([
      expect.objectContaining({ file: 'bad.csv', line: 2, field: 'timeZone', value: 'Europe/Berln', hint: 'did you mean "Europe/Berlin"? Write an IANA time-zone name' }),
      expect.objectContaining({ file: 'bad.csv', line: 3, field: 'timeZone', value: '+02:00', message: 'timeZone "+02:00" is not a time zone' }),
    ]);
    write(dir, 'hrsync.config.json', JSON.stringify({ timeZone: 'Europe/Berlin', targets: { lms: { ...PLATFORMS[0]!.target(sandbox()), timeZone: 'Mars/Olympus' } } }));
    const config = await hrsyncIn(['import', 'staff.csv', '--dry-run'], { cwd: dir, env: ENV });
    expect(config.code).toBe(64); // a config error is a usage error
    expect(config.stderr).toContain('targets.lms.timeZone');
    expect(config.stderr).toContain('"Mars/Olympus" is not a time zone');
    const asOf = await hrsyncIn(['import', 'staff.csv', '--dry-run', '--as-of', '31/01/2027'], { cwd: dir, env: ENV });
    expect([asOf.code, asOf.stderr]).toEqual([64, expect.stringContaining('--as-of "31/01/2027" is not a date or a date-time')]);
    expect(asOf.stderr).toContain('yyyy-mm-dd');
  });

  it('a plan saved --as-of a moment still to come is not applied before it (exit 6; --force applies it), and its moment is signed', async () => {
    const s = sandbox();
    const dir = project(PLATFORMS[0]!.target(s));
    write(dir, 'one.csv', 'Employee ID,First name,Last name,Email,Company ID,End date\nF1,Fay,Future,fay@lc.example,ACME01,\n');
    expect((await hrsyncIn(['import', 'one.csv', '--yes'], { cwd: dir, env: ENV })).code).toBe(0);
    write(dir, 'one.csv', 'Employee ID,First name,Last name,Email,Company ID,End date\nF1,Fay,Future,fay@lc.example,ACME01,2099-01-01\n');
    const saved = await hrsyncIn(['import', 'one.csv', '--dry-run', '--as-of', '2099-06-01', '--out', 'plan.json'], { cwd: dir, env: ENV });
    expect(saved.stdout).toContain('leaver since 2099-01-02 00:00 UTC (last day 2099-01-01): deactivated');
    const early = await hrsyncIn(['apply', 'plan.json'], { cwd: dir, env: ENV });
    expect(early.code).toBe(6);
    expect(early.stderr).toContain('the plan was made as of 2099-06-01T00:00:00.000Z, which has not come yet: its joiners and leavers would be acted on early; nothing was written');
    // Its moment is part of what the state's plan key signs: moved back, the plan is refused.
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as { asOf: string };
    write(dir, 'edited.json', JSON.stringify({ ...plan, asOf: '2020-01-01T00:00:00.000Z' }));
    const edited = await hrsyncIn(['apply', 'edited.json'], { cwd: dir, env: ENV });
    expect([edited.code, edited.stderr]).toEqual([6, expect.stringContaining('were changed after it was written')]);
    expect(s.state().accessplanit.User.rows().find((u) => u.ExternalID === 'F1')!.Status).not.toBe('Disabled');
    const forced = await hrsyncIn(['apply', 'plan.json', '--force'], { cwd: dir, env: ENV });
    expect(forced.code, forced.stderr).toBe(0);
    expect(s.state().accessplanit.User.rows().find((u) => u.ExternalID === 'F1')!.Status).toBe('Disabled');
  });

  it('start and end dates and time zones are hrsync’s own: never an unused column, whatever the platform stores', async () => {
    const dir = tempDir();
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Email,Start date,End date,Time zone,Shoe size\nU1,Uma,Used,uma@lc.example,2020-01-01,,Europe/Berlin,42\n');
    const run = await hrsyncIn(['validate', 'u.csv', '--target', 'appenate', '--format', 'json'], { cwd: dir, env: ENV });
    const unused = (JSON.parse(run.stdout) as { issues: Array<{ code: string; value: string }> }).issues.filter((i) => ['unused_column', 'unknown_column'].includes(i.code)).map((i) => i.value);
    expect(unused).toEqual(['Shoe size']);
  });

  it('--as-of without an offset is read in the config’s time zone (the target’s over the top level’s)', async () => {
    const dir = project(PLATFORMS[0]!.target(sandbox()), { timeZone: 'Pacific/Auckland' });
    const run = await hrsyncIn(['import', 'staff.csv', '--dry-run', '--as-of', '2027-02-01', '--format', 'json'], { cwd: dir, env: ENV });
    expect((JSON.parse(run.stdout) as { asOf: string }).asOf).toBe('2027-01-31T11:00:00.000Z');
  });
});
