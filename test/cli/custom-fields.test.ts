import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countRequests } from '../../src/sandbox/stats.js';
import { lmsProject, tempDir, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

const ENV = { AP_KEY: 'sandbox-key' };

/** Custom fields (#12 item 2): CF_<name> columns, or custom.<name> in a mapping file, as the platform's own. */
describe('custom fields', () => {
  const sandbox = useSandbox();
  const writes = () => countRequests(sandbox().stats(), { platform: 'accessplanit', method: ['POST', 'PUT'] });

  it('passes CF_ columns to accessplanit as its user custom fields: created, diffed, exported, and read back with nothing to do', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Company ID,CF_PayrollNumber,CF_Department\nCF1,Cora,Field,ACME01,P-001,Logistics\n');
    const run = await hrsyncIn(['import', 'u.csv', '--yes'], { cwd: dir, env: ENV });
    expect(run.code, run.stderr).toBe(0);
    const cora = sandbox().state().accessplanit.User.rows().find((u) => u.ExternalID === 'CF1')!;
    expect([cora.CF_PayrollNumber, cora.CF_Department]).toEqual(['P-001', 'Logistics']);

    write(dir, 'u2.csv', 'Employee ID,First name,Last name,Company ID,CF_PayrollNumber\nCF1,Cora,Field,ACME01,P-002\n');
    const dry = await hrsyncIn(['import', 'u2.csv', '--dry-run'], { cwd: dir, env: ENV });
    expect(dry.stdout).toContain('    custom.PayrollNumber: "P-001" → "P-002"');

    const exported = await hrsyncIn(['export', '--filter', 'externalId=CF1', '-o', 'out.csv'], { cwd: dir, env: ENV });
    expect(exported.code, exported.stderr).toBe(0);
    const [header, row] = readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\n');
    expect(header).toMatch(/,custom\.Department,custom\.LineManager,custom\.PayrollNumber$/);
    expect(row).toMatch(/,Logistics,,P-001$/);
    const wire = await hrsyncIn(['export', '--filter', 'externalId=CF1', '--wire', '--fields', 'externalId,custom.PayrollNumber'], { cwd: dir, env: ENV });
    expect(wire.stdout).toBe('ExternalID,CF_PayrollNumber\nCF1,P-001\n');
    const before = writes();
    const back = await hrsyncIn(['import', 'out.csv', '--yes'], { cwd: dir, env: ENV });
    expect(back.stdout).toContain('0 to create, 0 to update');
    expect(writes()).toBe(before);
  });

  it('maps a column to custom.<name>; a custom field the tenant lacks fails that row with the platform’s words; other platforms warn', async () => {
    const dir = lmsProject(sandbox().urls.accessplanit);
    write(dir, 'map.json', JSON.stringify({ users: { columns: { 'Payroll no': 'custom.PayrollNumber' } } }));
    write(dir, 'u.csv', 'Employee ID,First name,Last name,Company ID,Payroll no,CF_Shoesize\nCF2,Cy,Field,ACME01,P-9,44\n');
    const run = await hrsyncIn(['import', 'u.csv', '--map', 'map.json', '--yes', '--results', 'out'], { cwd: dir, env: ENV });
    expect(run.code).toBe(5);
    expect(readFileSync(join(dir, 'out', 'results.csv'), 'utf8')).toContain("CF_Shoesize: The custom field 'Shoesize' does not exist.");
    const other = tempDir();
    write(other, 'u.csv', 'Employee ID,First name,Last name,Email,CF_PayrollNumber\nA1,Ann,Lee,a@x.co.uk,P-1\n');
    const forms = await hrsyncIn(['validate', 'u.csv', '--target', 'appenate'], { cwd: other });
    expect(forms.stdout).toContain('column "CF_PayrollNumber" is a custom field, and appenate holds no custom fields: it will be ignored');
    const generic = await hrsyncIn(['validate', 'u.csv', '--target', 'generic'], { cwd: other });
    expect(generic.stdout).not.toContain('CF_PayrollNumber');
  });
});
