import { describe, expect, it } from 'vitest';
import { tempDir, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

/** Found by a hostile review of the day's features (undo, history, people over time) through the CLI. */
const ENV = { KEY: 'sandbox-key', FORCE_COLOR: '0' };

describe('review: people over time and undo, through the CLI', () => {
  const sandbox = useSandbox();

  it('a rehire whose start date is still ahead stays deactivated until it, even when its HR status says Enabled', async () => {
    const s = sandbox();
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: { type: 'accessplanit', baseUrl: s.urls.accessplanit, apiKey: 'env:KEY', maxDeactivations: '5' } } }));
    const header = 'Employee ID,First name,Last name,Email,Company ID,Status,Start date,End date,Time zone';
    const others = Array.from({ length: 4 }, (_, i) => `S${i},Sam,Staff${i},sam${i}@rv.example,ACME01,Enabled,2019-01-01,,`);
    const run = async (row: string, ...more: string[]) => {
      write(dir, 'hr.csv', `${[header, row, ...others].join('\n')}\n`);
      return hrsyncIn(['import', 'hr.csv', ...more], { cwd: dir, env: ENV });
    };
    const made = await run('R1,Rae,Hire,rae@rv.example,ACME01,Enabled,2020-01-01,2027-01-31,Pacific/Auckland', '--yes', '--as-of', '2027-01-01');
    expect(made.code, made.stdout + made.stderr).toBe(0);
    expect((await run('R1,Rae,Hire,rae@rv.example,ACME01,Enabled,2020-01-01,2027-01-31,Pacific/Auckland', '--yes', '--as-of', '2027-02-15')).code).toBe(0);
    const status = () => s.state().accessplanit.User.rows().find((u) => u.ExternalID === 'R1')!.Status;
    expect(status()).toBe('Disabled');
    // Rehired from 1 March (Auckland): the day before, the account stays disabled; from its first moment, it is reactivated.
    const early = await run('R1,Rae,Hire,rae@rv.example,ACME01,Enabled,2027-03-01,,Pacific/Auckland', '--dry-run', '--as-of', '2027-02-28T10:59:00Z');
    expect(early.stdout, early.stdout + early.stderr).not.toMatch(/status: "Disabled" → "Enabled"/);
    const due = await run('R1,Rae,Hire,rae@rv.example,ACME01,Enabled,2027-03-01,,Pacific/Auckland', '--dry-run', '--as-of', '2027-02-28T11:00:00Z');
    expect(due.stdout, due.stdout + due.stderr).toMatch(/status: "Disabled" → "Enabled"/);
  });

  it('--as-of with an offset no zone has (+25:00, +05:99) is a usage error, not a moment a day away', async () => {
    const dir = tempDir();
    write(dir, 'hr.csv', 'Employee ID,First name,Last name,Email\nA1,Ann,One,ann@rv.example\n');
    for (const bad of ['2027-03-01T08:30+25:00', '2027-03-01T08:30+05:99']) {
      const run = await hrsyncIn(['import', 'hr.csv', '--dry-run', '--as-of', bad], { cwd: dir, env: ENV });
      expect([run.code, run.stderr]).toEqual([64, expect.stringContaining(`--as-of "${bad}" is not a date or a date-time`)]);
    }
    const kiribati = await hrsyncIn(['import', 'hr.csv', '--dry-run', '--as-of', '2027-03-01T08:30+14:00'], { cwd: dir, env: ENV });
    expect(kiribati.stderr).not.toContain('--as-of');
  });

  it('a deactivation undone names its record once: no "(id X) id X" in the undo plan, nor "(id X) (id X)" in the history', async () => {
    const s = sandbox();
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: { type: 'accessplanit', baseUrl: s.urls.accessplanit, apiKey: 'env:KEY', maxDeactivations: '50%' } } }));
    const rows = (end: string) => `Employee ID,First name,Last name,Email,Company ID,End date\nL1,Lee,Ver,lee@rv.example,ACME01,${end}\nS1,Sam,Stay,sam@rv.example,ACME01,\n`;
    write(dir, 'hr.csv', rows(''));
    expect((await hrsyncIn(['import', 'hr.csv', '--yes'], { cwd: dir, env: ENV })).code).toBe(0);
    write(dir, 'hr.csv', rows('2026-01-01'));
    const left = await hrsyncIn(['import', 'hr.csv', '--yes', '--results', 'left'], { cwd: dir, env: ENV });
    expect(left.code, left.stdout + left.stderr).toBe(0);
    const id = s.state().accessplanit.User.rows().find((u) => u.ExternalID === 'L1')!.ID as string;
    const undo = await hrsyncIn(['undo', 'left', '--yes'], { cwd: dir, env: ENV });
    expect(undo.stdout, undo.stdout + undo.stderr).toContain(`~ update users externalId=L1 (id ${id}) (left/journal.ndjson:1)`);
    const history = await hrsyncIn(['history', 'L1'], { cwd: dir, env: ENV });
    expect(history.stdout).toContain(`deactivate users externalId=L1 (id ${id})  accessplanit`);
    expect(history.stdout).not.toContain(`(id ${id}) (id ${id})`);
  });

  it('history finds a person by the email an update gave them, as by the one they were created with', async () => {
    const s = sandbox();
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: { type: 'accessplanit', baseUrl: s.urls.accessplanit, apiKey: 'env:KEY' } } }));
    for (const email of ['mo@rv.example', 'mo.new@rv.example']) {
      write(dir, 'hr.csv', `Employee ID,First name,Last name,Email,Company ID\nM1,Mo,Mail,${email},ACME01\n`);
      expect((await hrsyncIn(['import', 'hr.csv', '--yes'], { cwd: dir, env: ENV })).code).toBe(0);
    }
    for (const key of ['mo@rv.example', 'mo.new@rv.example', 'email=mo.new@rv.example']) {
      const history = await hrsyncIn(['history', key], { cwd: dir, env: ENV });
      expect(history.stdout, key).toMatch(/create users externalId=M1[\s\S]*update users externalId=M1[\s\S]*email: mo@rv.example → mo.new@rv.example/);
    }
  });
  it('an undo never deactivates or deletes an account the target protects: it says so instead', async () => {
    const s = sandbox();
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: { type: 'accessplanit', baseUrl: s.urls.accessplanit, apiKey: 'env:KEY', protected: { keys: ['externalId=P1'] } } } }));
    write(dir, 'hr.csv', 'Employee ID,First name,Last name,Email,Company ID\nP1,Pat,Kept,pat@rv.example,ACME01\nQ1,Quinn,Made,quinn@rv.example,ACME01\n');
    const made = await hrsyncIn(['import', 'hr.csv', '--yes', '--results', 'run1'], { cwd: dir, env: ENV });
    expect(made.code, made.stdout + made.stderr).toBe(0);
    for (const flags of [[], ['--delete']]) {
      const undo = await hrsyncIn(['undo', 'run1', '--dry-run', ...flags], { cwd: dir, env: ENV });
      expect(undo.stdout, undo.stdout + undo.stderr).not.toMatch(/^- (deactivate|delete) users externalId=P1/m);
      expect(undo.stdout).toMatch(/^- (deactivate|delete) users externalId=Q1/m);
      expect(undo.stdout + undo.stderr).toContain("the account is protected by accessplanit \"lms\"'s policy (externalId=P1)");
    }
  });
});
