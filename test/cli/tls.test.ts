import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, write } from '../helpers/files.js';
import { hrsyncIn } from '../helpers/run.js';
import { PATIENCE_MS } from '../helpers/patience.js';

/** `openssl` with these arguments in `dir`; the test fails with its output when it does. */
function openssl(dir: string, args: string[]): void {
  const run = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', timeout: PATIENCE_MS });
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${run.stderr}`);
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A self-signed certificate (and its key) for these names, valid for a day: `NAME.pem`, `NAME.key`. */
function selfSigned(dir: string, name: string, cn: string, san: string): void {
  openssl(dir, ['req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', `/CN=${cn}`, '-addext', `subjectAltName=${san}`, '-days', '1']);
}

/** A self-signed certificate for 127.0.0.1 that expired in 2020 (`openssl ca` takes a start and end date). */
function expired(dir: string, name: string): void {
  write(dir, 'ca.cnf', '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\ncopy_extensions=copy\n[p]\ncommonName=supplied\n');
  write(dir, 'index.txt', '');
  write(dir, 'serial', '01\n');
  openssl(dir, ['req', '-new', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  openssl(dir, ['ca', '-batch', '-notext', '-config', 'ca.cnf', '-selfsign', '-keyfile', `${name}.key`, '-in', `${name}.csr`, '-out', `${name}.pem`, '-startdate', '20200101000000Z', '-enddate', '20200102000000Z']);
}

/** A SCIM service provider over https with this certificate, listing no one; `connections` counts TCP connections. */
async function httpsScim(dir: string, name: string): Promise<{ baseUrl: string; host: string; connections: () => number; stop(): Promise<void> }> {
  let connections = 0;
  const server = createServer({ key: readFileSync(join(dir, `${name}.key`)), cert: readFileSync(join(dir, `${name}.pem`)) }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/scim+json' });
    res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] }));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `https://127.0.0.1:${port}/scim/v2`,
    host: `127.0.0.1:${port}`,
    connections: () => connections,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** `hrsync export` of the SCIM target's users, with these extra config keys. */
async function exportFrom(dir: string, baseUrl: string, extra: Record<string, unknown> = {}) {
  write(dir, 'hrsync.config.json', JSON.stringify({ targets: { idp: { type: 'scim', baseUrl, token: 'env:SCIM_TOKEN', ...extra } } }));
  return hrsyncIn(['export', '-o', 'users.csv'], { cwd: dir, env: { SCIM_TOKEN: 'tls-test-token' } });
}

describe('TLS: a certificate this machine does not trust, one for another name, an expired one', () => {
  it('an untrusted (self-signed) certificate is exit 4 naming the host, the code and NODE_EXTRA_CA_CERTS, tried once; with caFile it works', async () => {
    const dir = tempDir();
    selfSigned(dir, 'server', 'localhost', 'DNS:localhost,IP:127.0.0.1');
    const server = await httpsScim(dir, 'server');
    try {
      const run = await exportFrom(dir, server.baseUrl);
      expect(run.code, run.stderr).toBe(4);
      expect(run.stderr).toContain(`the TLS connection to ${server.host} failed: its certificate is not signed by a CA this machine trusts (DEPTH_ZERO_SELF_SIGNED_CERT`);
      expect(run.stderr).toContain('NODE_EXTRA_CA_CERTS=/path/to/ca.pem');
      expect(run.stderr).toContain('"caFile"');
      expect(run.stderr).not.toMatch(/internal error|a bug in hrsync/);
      expect(server.connections()).toBe(1); // never retried
      const trusted = await exportFrom(dir, server.baseUrl, { caFile: 'server.pem' }); // relative to the config file
      expect(trusted.code, trusted.stderr).toBe(0);
      expect(readFileSync(join(dir, 'users.csv'), 'utf8')).not.toBe('');
      const missing = await exportFrom(dir, server.baseUrl, { caFile: 'nothing-here.pem' });
      expect([missing.code, missing.stderr]).toEqual([64, expect.stringContaining(`caFile ${join(dir, 'nothing-here.pem')} cannot be read: no such folder (ENOENT)`)]);
    } finally {
      await server.stop();
    }
  });

  it('caFile is a connection option of every connector: hrsync config schema shows it for each type', async () => {
    const run = await hrsyncIn(['config', 'schema'], { cwd: tempDir() });
    expect(run.code, run.stderr).toBe(0);
    const text = run.stdout;
    expect(text.match(/"caFile"/g)?.length).toBe(5);
  });

  it('a certificate for another name is exit 4 naming the mismatch, even with its CA trusted', async () => {
    const dir = tempDir();
    selfSigned(dir, 'other', 'other.example', 'DNS:other.example');
    const server = await httpsScim(dir, 'other');
    try {
      const run = await exportFrom(dir, server.baseUrl, { caFile: 'other.pem' });
      expect(run.code, run.stderr).toBe(4);
      expect(run.stderr).toContain(`the TLS connection to ${server.host} failed: its certificate is for another name (ERR_TLS_CERT_ALTNAME_INVALID`);
      expect(run.stderr).toContain("IP: 127.0.0.1 is not in the cert's list");
      expect(server.connections()).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it('an expired certificate is exit 4 naming CERT_HAS_EXPIRED, even with its CA trusted', async () => {
    const dir = tempDir();
    expired(dir, 'old');
    const server = await httpsScim(dir, 'old');
    try {
      const run = await exportFrom(dir, server.baseUrl, { caFile: 'old.pem' });
      expect(run.code, run.stderr).toBe(4);
      expect(run.stderr).toContain(`the TLS connection to ${server.host} failed: its certificate is outside its dates, or revoked (CERT_HAS_EXPIRED`);
      expect(server.connections()).toBe(1);
    } finally {
      await server.stop();
    }
  });
});
