import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hrsyncIn } from '../helpers/run.js';
import { tempDir, write } from '../helpers/files.js';
import { seeded, useSandbox } from '../helpers/sandbox.js';

const ENV = { AP_KEY: 'sandbox-key', APPENATE_KEY: 'sandbox-key', SP_KEY: 'sandbox-key', UNIFIED_KEY: 'sandbox-key', AP_PASSWORD: 'demo' };

describe('hrsync export and targets against the sandbox (in-process)', () => {
  // This tenant answers an empty Name= search with everyone (undocumented: the "listAll" target relies on it).
  const sandbox = useSandbox({ random: seeded(7), latency: { ms: 2, jitterMs: 8 }, settings: { appenate: { emptyNameSearch: 'all' } } });
  const project = () => {
    const dir = tempDir();
    const s = sandbox();
    write(dir, 'hrsync.config.json', JSON.stringify({
      targets: {
        lms: { type: 'accessplanit', baseUrl: s.urls.accessplanit, userName: 'demo', password: 'env:AP_PASSWORD' },
        forms: { type: 'appenate', baseUrl: s.urls.appenate, companyId: 1, integrationKey: 'env:APPENATE_KEY' },
        formsAll: { type: 'appenate', baseUrl: s.urls.appenate, companyId: 1, integrationKey: 'env:APPENATE_KEY', listAll: true },
        go: { type: 'springest', sites: { default: { baseUrl: s.urls.springest, apiKey: 'env:SP_KEY' } } },
        hr: { type: 'unified', baseUrl: s.urls.unified, connectionId: 'sandbox', apiKey: 'env:UNIFIED_KEY' },
      },
      defaultTarget: 'lms',
    }));
    return dir;
  };

  it('exports every entity of every listable target, and says plainly that Springest cannot be listed', async () => {
    const dir = project();
    const cases: Array<[string, string, number]> = [['lms', 'users', 5], ['lms', 'companies', 3], ['lms', 'groups', 3], ['formsAll', 'users', 5], ['formsAll', 'groups', 3], ['hr', 'users', 300], ['hr', 'companies', 3], ['hr', 'groups', 11]];
    for (const [target, entity, rows] of cases) {
      const run = await hrsyncIn(['export', '--target', target, '--entity', entity, '-o', `${target}-${entity}.ndjson`], { cwd: dir, env: ENV });
      expect(run.code, run.stderr).toBe(0);
      expect(readFileSync(join(dir, `${target}-${entity}.ndjson`), 'utf8').trim().split('\n')).toHaveLength(rows);
      expect(run.stderr).toContain(`exported ${rows}`);
    }
    // The HR system's companies and groups: its ids are external ids, never a target's own id.
    expect(readFileSync(join(dir, 'hr-companies.ndjson'), 'utf8').split('\n')[0]).toBe('{"externalId":"cmp_8f3a21","name":"Acme Logistics","address":"Unit 4, Riverside Park","town":"Lancaster","county":"Lancashire","postcode":"LA1 1AB","country":"United Kingdom"}');
    expect(readFileSync(join(dir, 'hr-groups.ndjson'), 'utf8').split('\n')[0]).toBe('{"label":"Warehouse"}');
    const people = readFileSync(join(dir, 'hr-users.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(people.every((u) => !('companyId' in u) && !('id' in u) && ['Acme Logistics', 'Northgate Health', 'Brown & Hart'].includes(String(u.companyName)))).toBe(true);
    const go = await hrsyncIn(['export', '--target', 'go'], { cwd: dir, env: ENV });
    expect(go.code).toBe(64);
    expect(go.stderr).toContain('cannot be listed');
    // Appenate lists only with listAll: its documented search needs a name, an e-mail or an external id.
    const forms = await hrsyncIn(['export', '--target', 'forms'], { cwd: dir, env: ENV });
    expect(forms.code).toBe(64);
    expect(forms.stderr).toContain('appenate "forms" cannot be listed (users): Appenate\'s search needs a Name, Email or ExternalId');
    expect(forms.stderr).toContain('"listAll": true');
  });

  it('writes the same complete file under 429s, 503s, resets and latency', async () => {
    const dir = project();
    const clean = await hrsyncIn(['export', '--target', 'hr', '-o', 'clean.csv'], { cwd: dir, env: ENV });
    expect(clean.code, clean.stderr).toBe(0);
    sandbox().setFaults({ '429': 0.1, '503': 0.1, 'reset-before': 0.05, 'reset-after': 0.05 });
    try {
      const faulty = await hrsyncIn(['export', '--target', 'hr', '-o', 'faulty.csv'], { cwd: dir, env: ENV });
      expect(faulty.code, faulty.stderr).toBe(0);
      expect(readFileSync(join(dir, 'faulty.csv'), 'utf8')).toBe(readFileSync(join(dir, 'clean.csv'), 'utf8'));
      const lms = await hrsyncIn(['export', '--target', 'lms', '--entity', 'companies', '-o', 'companies.json'], { cwd: dir, env: ENV });
      expect(lms.code, lms.stderr).toBe(0);
      expect(JSON.parse(readFileSync(join(dir, 'companies.json'), 'utf8'))).toHaveLength(3);
    } finally {
      sandbox().setFaults({});
    }
  });

  it('round-trips: an exported users file validates against the same target', async () => {
    const dir = project();
    expect((await hrsyncIn(['export', '-o', 'users.csv'], { cwd: dir, env: ENV })).code).toBe(0);
    const check = await hrsyncIn(['validate', 'users.csv', '--format', 'json'], { cwd: dir, env: ENV });
    expect(check.code, check.stdout).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ ok: true, checkedAgainst: 'accessplanit "lms"', summary: { rows: 5, errors: 0 } });
  });

  it('filters, picks fields, and neutralises spreadsheet formulas in CSV', async () => {
    const dir = project();
    const s = sandbox();
    const created = await fetch(`${s.urls.accessplanit}/User`, { method: 'POST', headers: { authorization: 'Bearer sandbox-key', 'content-type': 'application/json' }, body: JSON.stringify({ Forenames: '=HYPERLINK("x")', Surname: '+Evil', MainCompanyID: 'BRHT03', Status: 'Disabled' }) });
    expect(created.status).toBe(201);
    const run = await hrsyncIn(['export', '--filter', 'status=Disabled', '--fields', 'firstName,lastName,status'], { cwd: dir, env: ENV });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`firstName,lastName,status\n"'=HYPERLINK(""x"")",'+Evil,Disabled\n`);
    write(dir, 'back.csv', run.stdout.replace('firstName,lastName,status', 'First name,Last name,Company ID\n').replace(',Disabled', ',BRHT03'));
  });

  it('writes phone numbers as written; --csv-dialect excel for a German Excel, machine for a program (issue 25)', async () => {
    const dir = project();
    const s = sandbox();
    const body = { Forenames: '=1+1', Surname: 'Müller', Phone: '+49 30 1000028', Mobile: '+1-555-0100', MainCompanyID: 'BRHT03', Status: 'Disabled' };
    expect((await fetch(`${s.urls.accessplanit}/User`, { method: 'POST', headers: { authorization: 'Bearer sandbox-key', 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBe(201);
    const args = ['export', '--filter', 'status=Disabled', '--fields', 'firstName,lastName,phone,mobile'];
    // The test above made a Disabled user too: only this one's line is looked at.
    const mine = (text: string) => text.split(/(?<=\n)/).filter((line, i) => i === 0 || line.includes('Müller')).join('');
    const standard = await hrsyncIn(args, { cwd: dir, env: ENV });
    expect(mine(standard.stdout)).toBe("firstName,lastName,phone,mobile\n'=1+1,Müller,+49 30 1000028,'+1-555-0100\n");
    expect((await hrsyncIn([...args, '--csv-dialect', 'excel', '-o', 'excel.csv'], { cwd: dir, env: ENV })).code).toBe(0);
    expect(readFileSync(join(dir, 'excel.csv')).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(mine(readFileSync(join(dir, 'excel.csv'), 'utf8'))).toBe("\uFEFFfirstName;lastName;phone;mobile\r\n'=1+1;Müller;+49 30 1000028;'+1-555-0100\r\n");
    expect((await hrsyncIn([...args, '--csv-dialect', 'excel', '--delimiter', 'comma', '-o', 'excel-comma.csv'], { cwd: dir, env: ENV })).code).toBe(0);
    expect(mine(readFileSync(join(dir, 'excel-comma.csv'), 'utf8'))).toBe("\uFEFFfirstName,lastName,phone,mobile\r\n'=1+1,Müller,+49 30 1000028,'+1-555-0100\r\n");
    const machine = await hrsyncIn([...args, '--csv-dialect', 'machine'], { cwd: dir, env: ENV });
    expect(mine(machine.stdout)).toBe('firstName,lastName,phone,mobile\n=1+1,Müller,+49 30 1000028,+1-555-0100\n');
    const xlsx = await hrsyncIn([...args, '--csv-dialect', 'excel', '-o', 'users.xlsx'], { cwd: dir, env: ENV });
    expect([xlsx.code, xlsx.stderr]).toEqual([64, expect.stringContaining('--csv-dialect is for CSV output, and this export writes xlsx')]);
  });

  it('leaves no file behind when the target fails, and exits 4', async () => {
    const dir = project();
    const run = await hrsyncIn(['export', '-o', 'users.csv'], { cwd: dir, env: { ...ENV, AP_PASSWORD: 'wrong' } });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('accessplanit "lms"');
    expect(run.stderr).not.toContain('wrong');
    expect(readdirSync(dir)).toEqual(['hrsync.config.json']);
  });

  it('lists targets and checks them, exit 4 when one fails', async () => {
    const dir = project();
    const list = await hrsyncIn(['targets'], { cwd: dir, env: ENV });
    expect(list.stdout).toMatch(/\* lms +accessplanit/);
    const check = await hrsyncIn(['targets', 'check', '--format', 'json'], { cwd: dir, env: ENV });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const report = JSON.parse(check.stdout);
    expect(report.targets.map((t: { name: string; counts: object }) => [t.name, t.counts])).toEqual([
      ['lms', { users: sandbox().state().accessplanit.User.size, companies: 3, groups: 3, delegates: 10, authorisations: 2, awards: 10, jobroles: 6 }],
      ['forms', { users: null, groups: null }],
      ['formsAll', { users: 5, groups: 3 }],
      ['go', { users: null }],
      ['hr', { users: 300, companies: 3, groups: 11 }],
    ]);
    const bad = await hrsyncIn(['targets', 'check', 'forms'], { cwd: dir, env: { ...ENV, APPENATE_KEY: 'nope' } });
    expect(bad.code).toBe(4);
    expect(bad.stdout).toContain('✖ forms');
    expect(bad.stdout).not.toContain('nope');
    // A variable not set is the configuration's fault (64), and the other targets are still checked.
    const unset = await hrsyncIn(['targets', 'check'], { cwd: dir, env: { ...ENV, UNIFIED_KEY: '' } });
    expect(unset.code).toBe(64);
    expect(unset.stdout).toContain('✖ hr: target "hr": apiKey refers to the environment variable UNIFIED_KEY, which is not set');
    expect(unset.stdout).toContain('✔ lms: reachable');
  });

  it('names a missing environment variable, exit 64', async () => {
    const dir = project();
    const run = await hrsyncIn(['export', '--target', 'hr'], { cwd: dir, env: { AP_PASSWORD: 'demo' } });
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('target "hr": apiKey refers to the environment variable UNIFIED_KEY, which is not set');
    expect(existsSync(join(dir, '.hrsync'))).toBe(false);
  });
});
