import { describe, expect, it } from 'vitest';
import { tempDir, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

const ESC = '\u001b';

describe('no credential in any output, in any environment', () => {
  const sandbox = useSandbox();
  const project = () => {
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { forms: { type: 'appenate', baseUrl: sandbox().urls.appenate, companyId: 1, integrationKey: 'env:APPENATE_KEY' } } }));
    return dir;
  };

  it('refuses to run under NODE_DEBUG for the HTTP stack (it would print every URL with its key), exit 64', async () => {
    for (const value of ['undici', 'fetch', 'http,net', 'tls']) {
      const run = await hrsyncIn(['export'], { cwd: project(), env: { APPENATE_KEY: 'sandbox-key', NODE_DEBUG: value } });
      expect(run.code, value).toBe(64);
      expect(run.stderr).toContain('hrsync does not run with it');
      expect(run.stderr).toContain('HRSYNC_DEBUG=http');
    }
    expect((await hrsyncIn(['export', '-o', 'x.csv'], { cwd: project(), env: { APPENATE_KEY: 'sandbox-key', NODE_DEBUG: 'module' } })).code).toBe(0);
  });

  it('traces every request with HRSYNC_DEBUG=http, the key in the query string redacted', async () => {
    const run = await hrsyncIn(['export', '-o', 'users.csv'], { cwd: project(), env: { APPENATE_KEY: 'sandbox-key', HRSYNC_DEBUG: 'http' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/http GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/user\/search\?format=json&CompanyId=1&IntegrationKey=\*\*\*&UseNames=true&Name=&PageNo=0&PageSize=250 → 200 in \d+ ms/);
    expect(run.stderr).not.toContain('sandbox-key');
  });
});

describe('what a hostile file cannot do to a terminal', () => {
  const sandbox = useSandbox();
  it('shows control characters and direction overrides in values and file names as escapes', async () => {
    const dir = tempDir();
    write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: { type: 'accessplanit', baseUrl: sandbox().urls.accessplanit, apiKey: 'env:AP_KEY' } } }));
    const name = `u${ESC}[2J.csv`;
    write(dir, name, `Employee ID,First name,Last name,Job title,Company ID\nE1001,James,Smith,${ESC}[2J${ESC}[1;1H\u202eCEO,ACME01\nX${ESC}[31m1,Evil,Row,,ACME01\n`);
    const run = await hrsyncIn(['import', name, '--dry-run'], { cwd: dir, env: { AP_KEY: 'sandbox-key', FORCE_COLOR: '0' } });
    expect(run.code, run.stderr).toBe(0);
    const shown = run.stdout + run.stderr;
    expect(shown).not.toContain(ESC);
    expect(shown).not.toContain('\u202e');
    expect(run.stdout).toContain('jobTitle: "Warehouse Manager" → "\\x1b[2J\\x1b[1;1H\\u202eCEO"');
    expect(run.stdout).toContain('+ create users externalId=X\\x1b[31m1 "Evil Row" (u\\x1b[2J.csv:3)');
  });
});
