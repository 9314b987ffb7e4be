import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { configProject } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

/** A port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('hrsync targets check', () => {
  const sandbox = useSandbox();

  it('checks every target and reports each, whatever happens to the others; --format json for monitoring', async () => {
    const s = sandbox();
    const dir = configProject({
      lms: { type: 'accessplanit', baseUrl: s.urls.accessplanit, apiKey: 'env:AP_KEY' },
      refused: { type: 'accessplanit', baseUrl: s.urls.accessplanit, apiKey: 'env:WRONG_KEY' },
      unset: { type: 'unified', baseUrl: s.urls.unified, connectionId: 'sandbox', apiKey: 'env:NOT_SET' },
      down: { type: 'accessplanit', baseUrl: `http://127.0.0.1:${await closedPort()}/api`, apiKey: 'env:AP_KEY' },
      nowhere: { type: 'scim', baseUrl: 'https://hrsync-test-host.invalid/scim/v2', token: 'env:AP_KEY' },
      go: { type: 'springest', sites: { default: { baseUrl: s.urls.springest, apiKey: 'env:AP_KEY' } } },
    });
    const env = { AP_KEY: 'sandbox-key', WRONG_KEY: 'not-the-key' };
    const json = await hrsyncIn(['targets', 'check', '--format', 'json'], { cwd: dir, env });
    expect(json.code, json.stderr).toBe(64); // a misconfiguration outranks a target's failure
    const report = JSON.parse(json.stdout) as { ok: boolean; targets: Array<{ name: string; type: string; ok: boolean; misconfigured: boolean; error: string | null; counts: object; ms: number }> };
    expect(report.ok).toBe(false);
    const byName = Object.fromEntries(report.targets.map((t) => [t.name, t]));
    expect(report.targets.map((t) => [t.name, t.type, t.ok, t.misconfigured])).toEqual([
      ['lms', 'accessplanit', true, false],
      ['refused', 'accessplanit', false, false],
      ['unset', 'unified', false, true],
      ['down', 'accessplanit', false, false],
      ['nowhere', 'scim', false, false],
      ['go', 'springest', true, false],
    ]);
    expect(byName.lms!.counts).toEqual({ users: s.state().accessplanit.User.size, companies: 3, groups: 3, delegates: 10, authorisations: 2, awards: 10, jobroles: 6 });
    expect(byName.refused!.error).toContain('credentials were refused');
    expect(byName.unset!.error).toContain('NOT_SET, which is not set');
    expect(byName.down!.error).toMatch(/no answer after \d+ tries \(ECONNREFUSED\)/);
    // .invalid never resolves (RFC 6761); a machine with no DNS at all says EAI_AGAIN instead, after retrying.
    expect(byName.nowhere!.error).toMatch(/the host hrsync-test-host\.invalid cannot be found \(DNS: ENOTFOUND\)|EAI_AGAIN/);
    expect(byName.go!.counts).toEqual({ users: null });
    expect(report.targets.every((t) => typeof t.ms === 'number')).toBe(true);
    expect(json.stdout).not.toContain('not-the-key');

    const text = await hrsyncIn(['targets', 'check'], { cwd: dir, env });
    expect(text.code).toBe(64);
    expect(text.stdout.split('\n').filter(Boolean).map((l) => l.slice(0, 2) + l.split(':')[0]!.slice(2))).toEqual(['✔ lms', '✖ refused', '✖ unset', '✖ down', '✖ nowhere', '✔ go']);
    // Without the misconfigured one: the targets' own failures, exit 4.
    const failing = await hrsyncIn(['targets', 'check', 'nowhere'], { cwd: dir, env });
    expect(failing.code).toBe(4);
    expect((await hrsyncIn(['targets', 'check', 'lms'], { cwd: dir, env })).code).toBe(0);
  }, 60_000);
});
