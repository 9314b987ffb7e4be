import { describe, expect, it } from 'vitest';
import { configProject, manyUsers, tempDir, write } from '../helpers/files.js';
import { freePort } from '../helpers/ports.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

describe('hrsync targets check', () => {
  const sandbox = useSandbox();

  it('checks every target and reports each, whatever happens to the others; --format json for monitoring', async () => {
    const s = sandbox();
    const dir = configProject({
      lms: { type: 'accessplanit', baseUrl: s.urls.accessplanit, apiKey: 'env:AP_KEY' },
      refused: { type: 'accessplanit', baseUrl: s.urls.accessplanit, apiKey: 'env:WRONG_KEY' },
      unset: { type: 'unified', baseUrl: s.urls.unified, connectionId: 'sandbox', apiKey: 'env:NOT_SET' },
      down: { type: 'accessplanit', baseUrl: `http://127.0.0.1:${await freePort()}/api`, apiKey: 'env:AP_KEY' },
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
  });

  it('a target named __proto__ is a config error naming it (exit 64) in targets, targets check, import and validate; constructor and toString are ordinary names', async () => {
    const s = sandbox();
    const entry = JSON.stringify({ type: 'accessplanit', baseUrl: s.urls.accessplanit, apiKey: 'env:AP_KEY' });
    const env = { AP_KEY: 'sandbox-key' };
    // Written as text: a JavaScript object literal with a __proto__ key would set its prototype instead.
    const proto = tempDir();
    write(proto, 'hrsync.config.json', `{"targets": {"__proto__": ${entry}}}`);
    const refused = `hrsync.config.json: targets.__proto__: "__proto__" cannot be a name here (JavaScript gives that name to an object’s prototype): rename it`;
    for (const args of [['targets', 'check'], ['targets', 'check', '__proto__'], ['targets'], ['targets', '--format', 'json'], ['import', 'u.csv', '--target', '__proto__', '--dry-run'], ['validate', 'u.csv', '--target', '__proto__']]) {
      write(proto, 'u.csv', manyUsers('P', 1));
      const run = await hrsyncIn(args, { cwd: proto, env });
      expect([run.code, run.stdout], args.join(' ')).toEqual([64, '']);
      expect(run.stderr, args.join(' ')).toContain(refused);
    }
    // A YAML config says the same.
    const yaml = tempDir();
    write(yaml, 'hrsync.config.yaml', `targets:\n  __proto__: ${entry}\n`);
    expect((await hrsyncIn(['targets', 'check'], { cwd: yaml, env })).stderr).toContain('hrsync.config.yaml: targets.__proto__: "__proto__" cannot be a name here');

    // constructor is a name like any other; toString, not configured, is no target (not Object.prototype's).
    const named = tempDir();
    write(named, 'hrsync.config.json', `{"targets": {"constructor": ${entry}, "prototype": ${entry}}, "defaultTarget": "constructor"}`);
    write(named, 'u.csv', manyUsers('P', 1));
    const checked = await hrsyncIn(['targets', 'check'], { cwd: named, env });
    expect([checked.code, checked.stdout.split('\n').filter(Boolean).map((l) => l.split(':')[0])]).toEqual([0, ['✔ constructor', '✔ prototype']]);
    expect((await hrsyncIn(['targets'], { cwd: named, env })).stdout).toMatch(/\* constructor +accessplanit/);
    const imported = await hrsyncIn(['import', 'u.csv', '--target', 'constructor', '--dry-run'], { cwd: named, env });
    expect([imported.code, imported.stdout], imported.stderr).toEqual([0, expect.stringContaining('Plan: 1 to create')]);
    expect((await hrsyncIn(['validate', 'u.csv', '--target', 'prototype'], { cwd: named, env })).code).toBe(0);
    for (const args of [['validate', 'u.csv', '--target', 'toString'], ['import', 'u.csv', '--target', 'hasOwnProperty', '--dry-run']]) {
      const run = await hrsyncIn(args, { cwd: named, env });
      expect([run.code, run.stderr], args.join(' ')).toEqual([64, expect.stringContaining(`unknown target "${args[3]}"`)]);
    }
    const check = await hrsyncIn(['targets', 'check', 'toString', '--format', 'json'], { cwd: named, env });
    expect(check.code).toBe(64);
    expect(JSON.parse(check.stdout).targets[0]).toMatchObject({ name: 'toString', type: null, ok: false, misconfigured: true });
  });

  it('a Springest site, a mapping column or a source value named __proto__ is refused naming it, never dropped', async () => {
    const s = sandbox();
    const site = tempDir();
    write(site, 'hrsync.config.json', `{"targets": {"go": {"type": "springest", "sites": {"__proto__": {"baseUrl": "${s.urls.springest}", "apiKey": "env:AP_KEY"}}}}}`);
    const run = await hrsyncIn(['targets', 'check'], { cwd: site, env: { AP_KEY: 'sandbox-key' } });
    expect([run.code, run.stderr]).toEqual([64, expect.stringContaining('targets.go.sites.__proto__: "__proto__" cannot be a name here')]);
    const mapped = tempDir();
    write(mapped, 'u.csv', manyUsers('P', 1));
    for (const [map, said] of [
      ['{"users": {"columns": {"__proto__": "externalId"}}}', 'map.json: users.columns.__proto__: "__proto__" cannot be a name here'],
      ['{"users": {"values": {"status": {"map": {"__proto__": "Enabled"}}}}}', 'map.json: users.values.status.map.__proto__: "__proto__" cannot be a name here'],
    ] as const) {
      write(mapped, 'map.json', map);
      const validated = await hrsyncIn(['validate', 'u.csv', '--target', 'generic', '--map', 'map.json'], { cwd: mapped });
      expect([validated.code, validated.stderr]).toEqual([64, expect.stringContaining(said)]);
    }
  });
});
