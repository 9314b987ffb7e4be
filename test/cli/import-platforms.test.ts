import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countRequests } from '../../src/sandbox/stats.js';
import { hrsyncIn } from '../helpers/run.js';
import { tempDir, write } from '../helpers/files.js';
import { useSandbox } from '../helpers/sandbox.js';

const ENV = { APPENATE_KEY: 'sandbox-key', SP_KEY: 'sandbox-key', NL_KEY: 'nl-key' };

describe('import into Appenate and Springest (in-process)', () => {
  const sandbox = useSandbox({ credentials: { springest: { default: 'sandbox-key', nl: 'nl-key' } } });
  const project = () => {
    const dir = tempDir();
    const s = sandbox();
    write(dir, 'hrsync.config.json', JSON.stringify({
      targets: {
        forms: { type: 'appenate', baseUrl: s.urls.appenate, companyId: 1, integrationKey: 'env:APPENATE_KEY' },
        go: { type: 'springest', sites: { default: { baseUrl: s.urls.springest, apiKey: 'env:SP_KEY' }, nl: { baseUrl: s.urls.springest, apiKey: 'env:NL_KEY' } } },
      },
    }));
    write(dir, 'users.csv', readFileSync(join('samples', 'users.csv')));
    return dir;
  };
  const writes = (platform: string) => countRequests(sandbox().stats(), { platform, method: ['POST', 'PUT', 'DELETE'] });

  it('Appenate: plans against its users, applies, and a re-run writes nothing', async () => {
    const dir = project();
    const dry = await hrsyncIn(['import', 'users.csv', '--target', 'forms', '--dry-run'], { cwd: dir, env: ENV });
    expect(dry.stdout, dry.stderr).toContain('Plan: 15 to create, 0 to update, 5 unchanged.');
    const run = await hrsyncIn(['import', 'users.csv', '--target', 'forms', '--yes'], { cwd: dir, env: ENV });
    expect(run.code, run.stderr).toBe(0);
    expect(sandbox().state().appenate.users.size).toBe(20);
    const before = writes('appenate');
    const again = await hrsyncIn(['import', 'users.csv', '--target', 'forms', '--yes'], { cwd: dir, env: ENV });
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 20 unchanged.');
    expect(writes('appenate')).toBe(before);
  });

  it('Springest: sends every row to every site once, then nothing; never an empty value unless --blank clear', async () => {
    const dir = project();
    const first = await hrsyncIn(['import', 'users.csv', '--target', 'go', '--yes'], { cwd: dir, env: ENV });
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stdout).toContain('Plan: 20 to create, 0 to update, 0 unchanged.');
    const nl = sandbox().state().springest.get('nl')!;
    expect(nl.size).toBe(20);
    expect(nl.find((u) => u.external_id === 'E1001')).toMatchObject({ email: 'james.smith@acme-logistics.co.uk', job_title: 'Warehouse Manager', active: true, country: 'United Kingdom' });
    // Rows with a blank cell (E1003 has no Phone) sent no phone_number at all.
    expect('phone_number' in nl.find((u) => u.external_id === 'E1003')!).toBe(false);

    const before = writes('springest');
    const again = await hrsyncIn(['import', 'users.csv', '--target', 'go', '--yes'], { cwd: dir, env: ENV });
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 20 unchanged.');
    expect(writes('springest')).toBe(before);

    write(dir, 'one.csv', 'Employee ID,Email,First name,Last name,Job title\nE1001,james.smith@acme-logistics.co.uk,James,Smith,\n');
    const keep = await hrsyncIn(['import', 'one.csv', '--target', 'go', '--yes'], { cwd: dir, env: ENV });
    expect(keep.stdout).toContain('Plan: 0 to create, 1 to update, 0 unchanged.'); // another payload than the one last sent for this key
    expect(nl.find((u) => u.external_id === 'E1001')!.job_title).toBe('Warehouse Manager');
    const clear = await hrsyncIn(['import', 'one.csv', '--target', 'go', '--yes', '--blank', 'clear'], { cwd: dir, env: ENV });
    expect(clear.code).toBe(0);
    expect(nl.find((u) => u.external_id === 'E1001')!.job_title).toBe('');
  });
});
