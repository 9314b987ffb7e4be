import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lmsProject, tempDir, write } from '../helpers/files.js';
import { ROOT } from '../helpers/cli.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

const ENV = { AP_KEY: 'sandbox-key' };

/** Every row accounted for, and summaries a person can take in at a glance (#13 items 3, 4, 6). */
describe('what hrsync tells a person about every row', () => {
  const sandbox = useSandbox();
  const samples = (dir: string, ...names: string[]) => {
    for (const name of names) write(dir, name, readFileSync(join(ROOT, 'samples', name)));
  };

  it('shows the plan as a table per entity, with a total row', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    samples(dir, 'groups.csv', 'companies.csv', 'users.csv');
    write(dir, 'new-group.csv', 'ID,Label\nNEWG,New group\n');
    const run = await hrsyncIn(['import', 'groups.csv', 'new-group.csv', 'companies.csv', 'users.csv', '--dry-run'], { cwd: dir, env: ENV });
    const table = run.stdout.split('\n').filter((l) => /^(\s+create|groups|companies|users|total)\b/.test(l));
    expect(table).toEqual([
      '           create  update  deactivate  delete  unchanged  invalid  conflicts',
      'groups          1       0           0       0          3        0          0',
      'companies       0       0           0       0          3        0          0',
      'users          15       0           0       0          5        0          0',
      'total          16       0           0       0         11        0          0',
    ]);
    expect(run.stdout).toContain('Plan: 16 to create, 0 to update, 11 unchanged.');
  });

  it('ends an apply with a mark that follows the exit code, and puts left-out rows in the results and in --format json', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Email,Company ID\nX1,Xena,Ok,x1@x.co.uk,ACME01\nX2,,NoName,x2@x.co.uk,ACME01\n');
    const run = await hrsyncIn(['import', 'u.csv', '--yes', '--results', 'out'], { cwd: dir, env: ENV });
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('! 1 change applied, 0 failed, 0 skipped, 1 row left out (invalid or conflicting); results in out');
    expect(run.stderr).not.toContain('✔ 1 change');
    const results = readFileSync(join(dir, 'out', 'results.csv'), 'utf8');
    expect(results).toMatch(/u\.csv,3,externalId=X2,users,,invalid,,.*firstName/);
    expect(readFileSync(join(dir, 'out', 'failed.csv'), 'utf8')).toContain('X2,,NoName');

    write(dir, 'v.csv', 'Employee ID,First name,Last name,Email,Company ID\nY1,Yan,Ok,y1@x.co.uk,ACME01\nY2,Yve,Bad,not-an-email,ACME01\n');
    const json = await hrsyncIn(['import', 'v.csv', '--yes', '--format', 'json', '--results', 'out2'], { cwd: dir, env: ENV });
    expect(json.code).toBe(5);
    const doc = JSON.parse(json.stdout);
    expect(doc.summary).toMatchObject({ create: 1, invalid: 1 });
    expect(doc.validation.issues).toEqual([expect.objectContaining({ file: 'v.csv', line: 3, field: 'email', code: 'invalid_email', severity: 'error' })]);
    expect(doc.apply).toMatchObject({ exitCode: 5, applied: 1, failed: 0, leftOut: 1, resultsDir: 'out2' });
    expect(doc.apply.results).toEqual([
      expect.objectContaining({ line: 2, action: 'create', status: 'ok' }),
      expect.objectContaining({ line: 3, action: null, status: 'invalid', error: expect.stringContaining('not-an-email') }),
    ]);
    const clean = await hrsyncIn(['import', 'v.csv', '--only', 'Y1', '--yes'], { cwd: dir, env: ENV });
    expect(clean.stderr).not.toContain('✔');
  });

  it('sums up a file with thousands of repeated mistakes by issue code, then shows the first lines of each', async () => {
    const dir = tempDir();
    const rows = ['Employee ID,First name,Last name,Email,Company ID'];
    for (let i = 0; i < 5000; i++) rows.push(`E${i},First${i},${i % 2 ? '' : 'Last'},${i % 2 ? `e${i}@x.co.uk` : `broken-${i}`},ACME01`);
    write(dir, 'big.csv', rows.join('\n') + '\n');
    const run = await hrsyncIn(['validate', 'big.csv', '--target', 'accessplanit'], { cwd: dir });
    expect(run.code).toBe(3);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThan(40);
    expect(run.stdout).toContain('… and 2,495 more [required] (--verbose lists all)');
    expect(run.stdout).toContain('… and 2,495 more [invalid_email] (--verbose lists all)');
    expect(run.stdout).toMatch(/Issues by code\n {2}error {4}invalid_email +2,500 {2}on 2,500 lines: big\.csv:2 \(email\), big\.csv:4 \(email\), big\.csv:6 \(email\), …\n {2}error {4}required +2,500 {2}on 2,500 lines: big\.csv:3 \(\w+\), big\.csv:5 \(\w+\), big\.csv:7 \(\w+\), …\n {2}warning {2}unchecked_reference +1 {2}on 1 line: big\.csv:1 \(\w+\)\n/);
    const all = await hrsyncIn(['validate', 'big.csv', '--target', 'accessplanit', '--verbose'], { cwd: dir });
    expect(all.stdout.split('\n').filter((l) => l.includes('big.csv:') && l.includes('error')).length).toBeGreaterThanOrEqual(5000);
  });

  it('plans no write for a phone number written another way (the row’s country, else the config’s phoneRegion)', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'same.csv', 'Employee ID,First name,Last name,Company ID,Phone,Mobile,Country\nE1001,James,Smith,ACME01,+44 1524 600101,0044 7700-900101,Great Britain\n');
    const same = await hrsyncIn(['import', 'same.csv', '--dry-run'], { cwd: dir, env: ENV });
    expect(same.stdout).toContain('Plan: 0 to create, 0 to update, 1 unchanged.');
    write(dir, 'nocountry.csv', 'Employee ID,First name,Last name,Company ID,Mobile\nE1001,James,Smith,ACME01,+44 7700 900101\n');
    const blind = await hrsyncIn(['import', 'nocountry.csv', '--dry-run'], { cwd: dir, env: ENV });
    expect(blind.stdout).toContain('mobile: "07700 900101" → "+44 7700 900101"'); // no country: a national number cannot be read
    const config = JSON.parse(readFileSync(join(dir, 'hrsync.config.json'), 'utf8'));
    write(dir, 'hrsync.config.json', JSON.stringify({ ...config, phoneRegion: 'GB' }));
    expect((await hrsyncIn(['import', 'nocountry.csv', '--dry-run'], { cwd: dir, env: ENV })).stdout).toContain('Plan: 0 to create, 0 to update, 1 unchanged.');
  });

  it('translates HR values with the mapping file’s value tables, and shows the value as written beside the one sent', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    mkdirSync(join(dir, 'maps'));
    write(dir, 'maps/company-map.csv', 'HR company,accessplanit company\nHR-100,ACME01\nHR-200,NGHC02\n');
    write(dir, 'maps/hr.json', JSON.stringify({ users: { values: { companyId: { file: 'company-map.csv', unmapped: 'error' }, status: { map: { on_leave: 'Enabled', terminated: 'Disabled' } } } } }));
    write(dir, 'hr.csv', 'Employee ID,First name,Last name,Email,Company ID,Status\nH1,Hana,Hr,h1@x.co.uk,HR-100,on_leave\nH2,Hugo,Hr,h2@x.co.uk,HR-300,terminated\n');
    const dry = await hrsyncIn(['import', 'hr.csv', '--map', 'maps/hr.json', '--dry-run'], { cwd: dir, env: ENV });
    expect(dry.stdout).toContain('+ create users externalId=H1 "Hana Hr" (hr.csv:2)\n    companyId: "ACME01" (from "HR-100")\n    status: "Enabled" (from "on_leave")');
    expect(dry.stderr).toContain('companyId "HR-300" has no entry in the value table company-map.csv');
    expect(dry.code).toBe(3);
    const run = await hrsyncIn(['import', 'hr.csv', '--map', 'maps/hr.json', '--yes', '--results', 'out'], { cwd: dir, env: ENV });
    expect(run.code).toBe(5);
    expect(readFileSync(join(dir, 'out', 'results.csv'), 'utf8')).toContain('hr.csv,2,externalId=H1,users,create,ok,');
    expect(readFileSync(join(dir, 'out', 'results.csv'), 'utf8')).toMatch(/,companyId: HR-100 → ACME01; status: on_leave → Enabled\n/);
    const hana = sandbox().state().accessplanit.User.rows().find((u) => u.ExternalID === 'H1')!;
    expect([hana.MainCompanyID, hana.Status]).toEqual(['ACME01', 'Enabled']);
  });
});

describe('a saved plan for the embedded sandbox', () => {
  it('applies later (the sandbox starts on another port each time: it is the same sandbox)', async () => {
    const dir = tempDir();
    write(dir, 'u.csv', readFileSync(join(ROOT, 'samples', 'users.csv')));
    const planned = await hrsyncIn(['import', 'u.csv', '--dry-run', '--out', 'plan.json'], { cwd: dir });
    expect(planned.code, planned.stderr).toBe(0);
    const applied = await hrsyncIn(['apply', 'plan.json'], { cwd: dir });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain('15 changes applied');
    expect((await hrsyncIn(['import', 'u.csv', '--dry-run'], { cwd: dir })).stdout).toContain('Plan: 0 to create, 0 to update, 20 unchanged.');
  });
});
