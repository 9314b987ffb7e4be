import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect as connectTcp, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { bypassesProxy, proxyEnvironment, proxyFor } from '../../src/http/proxy.js';
import { hrsyncBinary } from '../helpers/cli.js';
import { lmsProject, tempDir, write } from '../helpers/files.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { hrsyncIn } from '../helpers/run.js';
import { useSandbox } from '../helpers/sandbox.js';

const SECRET = 's3cret-proxy-pw';
const BASIC = `Basic ${Buffer.from(`alice:${SECRET}`).toString('base64')}`;
/** Nothing a run prints may carry the proxy's password, in any spelling. */
const noSecret = (text: string) => {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(BASIC.slice(6));
};

describe('which requests go through a proxy (curl’s rules)', () => {
  const via = (url: string, env: Record<string, string>) => proxyFor(new URL(url), proxyEnvironment(env))?.shown;

  it('the scheme’s variable, lower case first; a proxy without a scheme is http://', () => {
    expect(via('https://a.example.com/x', {})).toBeUndefined();
    expect(via('https://a.example.com/x', { HTTPS_PROXY: 'http://p:3128' })).toBe('http://p:3128');
    expect(via('https://a.example.com/x', { HTTPS_PROXY: 'http://p:3128', https_proxy: 'http://q:8080' })).toBe('http://q:8080');
    expect(via('https://a.example.com/x', { HTTP_PROXY: 'http://p:3128' })).toBeUndefined();
    expect(via('http://127.0.0.1:4010/x', { HTTP_PROXY: 'proxy.corp:3128' })).toBe('http://proxy.corp:3128');
    expect(via('http://127.0.0.1:4010/x', { HTTPS_PROXY: 'http://p:3128' })).toBeUndefined();
    expect(proxyFor(new URL('https://a.example.com'), proxyEnvironment({ HTTPS_PROXY: `http://alice:${SECRET}@p:3128` }))!.secrets).toEqual(expect.arrayContaining([SECRET, BASIC.slice(6)]));
  });

  it('NO_PROXY: names and the hosts under them, IP addresses and CIDR ranges, ports, *; nothing is resolved', () => {
    const bypass = (url: string, noProxy: string) => bypassesProxy(new URL(url), noProxy);
    expect(bypass('https://api.example.com', 'example.com')).toBe(true);
    expect(bypass('https://api.example.com', '.example.com')).toBe(true);
    expect(bypass('https://example.com', '.example.com')).toBe(true);
    expect(bypass('https://API.Example.com', 'example.COM')).toBe(true);
    expect(bypass('https://notexample.com', 'example.com')).toBe(false);
    expect(bypass('https://a.example.com', 'other.org, example.com')).toBe(true);
    expect(bypass('https://a.example.com', 'other.org example.com')).toBe(true);
    expect(bypass('https://anything.org', '*')).toBe(true);
    expect(bypass('https://anything.org', '')).toBe(false);
    expect(bypass('http://127.0.0.1:4010', '127.0.0.1')).toBe(true);
    expect(bypass('http://127.0.0.1:4010', 'localhost')).toBe(false); // curl does not resolve names
    expect(bypass('http://localhost:4010', 'localhost')).toBe(true);
    expect(bypass('http://127.0.0.7:4010', '127.0.0.0/8')).toBe(true);
    expect(bypass('http://10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(bypass('http://11.1.2.3', '10.0.0.0/8')).toBe(false);
    expect(bypass('http://[::1]:4010', '::1')).toBe(true);
    expect(bypass('http://[::1]:4010', '[::1]')).toBe(true);
    expect(bypass('http://[0:0:0:0:0:0:0:1]:4010', '::1')).toBe(true);
    expect(bypass('https://a.example.com', 'example.com:443')).toBe(true);
    expect(bypass('https://a.example.com:8443', 'example.com:443')).toBe(false);
    expect(bypass('http://127.0.0.1', '127.0.0.1.example.com')).toBe(false);
  });

  it('a proxy that is not a URL, or not http(s), is a usage error that never shows its value', async () => {
    for (const bad of [`http://alice:${SECRET}@[oops`, `socks5://alice:${SECRET}@127.0.0.1:1080`]) {
      const dir = lmsProject('https://lms.example.test/accessplan/api/v2');
      const run = await hrsyncIn(['targets', 'check'], { cwd: dir, env: { AP_KEY: 'k', HTTPS_PROXY: bad } });
      expect(run.code).toBe(64);
      expect(run.stdout + run.stderr).toMatch(/HTTPS_PROXY \(or https_proxy\) (is not a URL|names a socks5 proxy)/);
      noSecret(run.stdout + run.stderr);
    }
  });
});

describe('targets through a real local proxy', () => {
  const sandbox = useSandbox();
  let proxy: TestProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });
  const users = () => sandbox().state().accessplanit.User.size;

  it('HTTP_PROXY carries the requests (with the proxy’s credentials); NO_PROXY sends them around it', async () => {
    proxy = await startProxy({ credentials: `alice:${SECRET}` });
    const dir = lmsProject(sandbox().urls.accessplanit);
    const proxyUrl = proxy.url.replace('://', `://alice:${SECRET}@`);
    const through = await hrsyncIn(['targets', 'check', '--format', 'json'], { cwd: dir, env: { AP_KEY: 'sandbox-key', HTTP_PROXY: proxyUrl, HRSYNC_DEBUG: 'http' } });
    expect(through.code, through.stderr).toBe(0);
    expect(JSON.parse(through.stdout).targets[0].counts.users).toBe(users());
    expect(proxy.seen.length).toBeGreaterThan(0);
    expect(proxy.seen.every((r) => r.target.startsWith(sandbox().url) && r.authorization === BASIC)).toBe(true);
    expect(through.stderr).toContain(`via ${proxy.url}`); // the trace names the proxy, without its credentials
    noSecret(through.stdout + through.stderr);

    const seen = proxy.seen.length;
    for (const noProxy of ['127.0.0.1', 'localhost,127.0.0.0/8', '*']) {
      const around = await hrsyncIn(['targets', 'check'], { cwd: dir, env: { AP_KEY: 'sandbox-key', HTTP_PROXY: proxyUrl, NO_PROXY: noProxy } });
      expect(around.code, around.stderr).toBe(0);
    }
    expect(proxy.seen.length).toBe(seen);
    // The embedded sandbox is hrsync's own in-process server: never through a proxy.
    const embedded = await hrsyncIn(['export', '--entity', 'groups'], { env: { HTTP_PROXY: proxyUrl } });
    expect(embedded.code, embedded.stderr).toBe(0);
    expect(proxy.seen.length).toBe(seen);
  });

  it('a proxy that refuses the credentials: the target fails (exit 4), saying so, with no secret in any output', async () => {
    proxy = await startProxy({ credentials: 'alice:another-password' });
    const proxyUrl = proxy.url.replace('://', `://alice:${SECRET}@`);
    // Plain http:// is forwarded; https:// goes through a CONNECT tunnel: both refused with 407.
    for (const [baseUrl, variable] of [
      [sandbox().urls.accessplanit, 'HTTP_PROXY'],
      ['https://lms.example.test/accessplan/api/v2', 'HTTPS_PROXY'],
    ] as const) {
      const dir = lmsProject(baseUrl);
      const run = await hrsyncIn(['targets', 'check'], { cwd: dir, env: { AP_KEY: 'sandbox-key', [variable]: proxyUrl, HRSYNC_DEBUG: 'http' } });
      expect(run.code, run.stdout + run.stderr).toBe(4);
      expect(run.stdout).toContain(`through the proxy ${proxy.url}): the proxy refused its credentials (407 Proxy Authentication Required)`);
      noSecret(run.stdout + run.stderr);
    }
    expect(proxy.seen.map((r) => r.method)).toContain('CONNECT');
    expect(proxy.seen.find((r) => r.method === 'CONNECT')!.target).toBe('lms.example.test:443');
  });
});

const HAS_OPENSSL = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!HAS_OPENSSL)('a real https:// target through a CONNECT proxy (the built binary)', () => {
  const sandbox = useSandbox();

  it('HTTPS_PROXY tunnels to a host this machine cannot even resolve, TLS verified end to end', async () => {
    const dir = tempDir();
    // A certificate for lms.example.test that the hrsync process trusts (NODE_EXTRA_CA_CERTS).
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '2', '-subj', '/CN=lms.example.test', '-addext', 'subjectAltName=DNS:lms.example.test'], { cwd: dir, stdio: 'ignore' });
    // lms.example.test: TLS ends here, then on to the sandbox.
    const tls = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (clear) => {
      const upstream = connectTcp(Number(new URL(sandbox().url).port), '127.0.0.1');
      clear.pipe(upstream).pipe(clear);
      clear.on('error', () => upstream.destroy());
      upstream.on('error', () => clear.destroy());
    });
    tls.listen(0, '127.0.0.1');
    await once(tls, 'listening');
    const proxy = await startProxy({ credentials: `alice:${SECRET}`, tunnelTo: () => ({ host: '127.0.0.1', port: (tls.address() as AddressInfo).port }) });
    try {
      write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: { type: 'accessplanit', baseUrl: 'https://lms.example.test/accessplan/api/v2', apiKey: 'env:AP_KEY' } } }));
      const run = await hrsyncBinary(['targets', 'check', '--format', 'json'], dir, {
        AP_KEY: 'sandbox-key',
        HTTPS_PROXY: proxy.url.replace('://', `://alice:${SECRET}@`),
        NO_PROXY: 'localhost,127.0.0.1',
        NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'),
        HRSYNC_DEBUG: 'http',
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).targets[0]).toMatchObject({ name: 'lms', ok: true, counts: { users: sandbox().state().accessplanit.User.size } });
      expect(proxy.seen.length).toBeGreaterThan(0);
      expect(proxy.seen.every((r) => r.method === 'CONNECT' && r.target === 'lms.example.test:443' && r.authorization === BASIC)).toBe(true);
      expect(run.stderr).toContain('http GET https://lms.example.test/accessplan/api/v2/');
      noSecret(run.stdout + run.stderr);
    } finally {
      await proxy.close();
      tls.close();
    }
  });
});
