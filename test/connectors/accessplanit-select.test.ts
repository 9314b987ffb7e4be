import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type RunningSandbox } from '../../src/app/embedded-sandbox.js';
import { planImport } from '../../src/app/import-run.js';
import { openTarget } from '../../src/app/open-target.js';
import { ACCESSPLANIT_WIRE } from '../../src/connectors/accessplanit/wire.js';
import type { CanonicalValues } from '../../src/core/model/canonical.js';
import type { Entity } from '../../src/core/model/entities.js';
import { fingerprint } from '../../src/core/plan/digest.js';
import type { Connection } from '../../src/core/ports.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir, write } from '../helpers/files.js';

/** A pass-through proxy that keeps every request's path and, while `strip` is on, drops $select from it (the server then answers whole records). */
async function selectProxy(origin: string) {
  const upstream = new URL(origin);
  const state = { strip: false, refuse: false, paths: [] as string[] };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    // A server that takes no custom field's name in $select (nothing documents that it does).
    if (state.refuse && url.searchParams.get('$select')?.includes('CF_')) {
      state.paths.push(url.pathname + url.search);
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Could not find a property named CF_Department' }));
      return;
    }
    if (state.strip) url.searchParams.delete('$select');
    state.paths.push(url.pathname + url.search);
    const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: url.pathname + url.search, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, state, stop: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

/** The emulator's tenant custom fields (its default settings): what a user and a delegate carry besides the mapping. */
const CUSTOM: Partial<Record<Entity, string[]>> = { users: ['CF_Department', 'CF_LineManager', 'CF_PayrollNumber'], delegates: ['CF_PurchaseOrder'] };
const MODULES: Array<[Entity, string]> = [['users', 'User'], ['companies', 'Company'], ['groups', 'CompanyGroup'], ['delegates', 'UserCourseDate'], ['authorisations', 'ManagerUserCourseDateAuthorisation'], ['awards', 'UserAward'], ['jobroles', 'UserJobRole']];

let running: RunningSandbox;
let proxy: Awaited<ReturnType<typeof selectProxy>>;
let dir: string;
const ENV = { AP_KEY: 'sandbox-key' };
beforeAll(async () => {
  running = await startEmbedded({ port: 0, settings: { accessplanit: { hourlyLimit: Infinity } } });
  proxy = await selectProxy(running.sandbox.url);
  dir = tempDir();
  const baseUrl = running.sandbox.urls.accessplanit.replace(running.sandbox.url, proxy.url);
  write(dir, 'hrsync.config.json', JSON.stringify({ targets: { lms: { type: 'accessplanit', baseUrl, apiKey: 'env:AP_KEY', pageSize: 2, rateLimit: '10000/s' } }, defaultTarget: 'lms' }));
});
afterAll(async () => {
  await proxy?.stop();
  await running?.stop();
});

async function listAll(target: Connection, entity: Entity): Promise<CanonicalValues[]> {
  const rows: CanonicalValues[] = [];
  for await (const page of target.list(entity)) rows.push(...page);
  return rows;
}

/** The $select of each list page asked for of `module` (a page: it has $skip). */
const selects = (module: string) =>
  proxy.state.paths.filter((p) => p.includes(`/${module}?`)).map((p) => new URLSearchParams(p.split('?')[1])).filter((q) => q.has('$skip')).map((q) => q.get('$select'));

describe('accessplanit lists ask only for the properties the mapping reads ($select, issue 22)', () => {
  it('every page names exactly the mapped properties and the tenant’s custom fields; the records, their fingerprints and a lookup’s are those of whole records', async () => {
    const opened = await openTarget('lms', { cwd: dir, env: ENV });
    const target = opened.target!;
    try {
      for (const [entity, module] of MODULES) {
        proxy.state.strip = false;
        proxy.state.paths = [];
        const narrow = await listAll(target, entity);
        const asked = selects(module);
        expect(asked.length, entity).toBeGreaterThan(entity === 'users' ? 1 : 0); // the users in pages of 2
        const expected = [...Object.values(ACCESSPLANIT_WIRE[entity]), ...(CUSTOM[entity] ?? [])].sort();
        for (const select of asked) expect(select?.split(',').sort(), `${entity}: ${select}`).toEqual(expected);
        proxy.state.strip = true;
        const whole = await listAll(target, entity);
        expect(whole.length, entity).toBe(narrow.length);
        expect(narrow, entity).toEqual(whole);
        expect(narrow.map(fingerprint), entity).toEqual(whole.map(fingerprint));
      }
      // A saved plan is checked against each record looked up by ID (whole): the fingerprint a list gave must be the one a lookup gives.
      proxy.state.strip = false;
      const users = await listAll(target, 'users');
      expect(users.every((u) => 'managerEmail' in u && 'custom.PayrollNumber' in u && 'secondaryCompanyIds' in u)).toBe(true);
      for (const user of users.slice(0, 5)) expect(fingerprint((await target.writer!.lookup('users', { field: 'id', value: String(user.id) }))!)).toBe(fingerprint(user));
    } finally {
      proxy.state.strip = false;
      await opened.close();
    }
  });

  it('plans an import the same as from whole records: updates, deactivations and their fingerprints', async () => {
    // The sample users (the sandbox holds the first 5) with changes (a phone, a custom field), the first left out (deactivated), new ones (created).
    const [header, ...rows] = readFileSync(join(ROOT, 'samples', 'users.csv'), 'utf8').trim().split('\n');
    const changed = rows.slice(1, 8).map((r, i) => `${i === 0 ? r.replace('01524 600102', '01524 699999') : r},${i < 3 ? `P-${i}` : ''}`);
    write(dir, 'u.csv', [`${header},CF_PayrollNumber`, ...changed].join('\n') + '\n');
    const plan = async (strip: boolean) => {
      proxy.state.strip = strip;
      const opened = await openTarget('lms', { cwd: dir, env: ENV });
      try {
        const planned = await planImport(opened, ['u.csv'], { asOf: Date.parse('2030-01-01T00:00:00Z'), cwd: dir, read: { cwd: dir }, plan: { missing: 'deactivate', maxMissing: { fraction: 1 }, blank: 'ignore' } });
        return { operations: planned.plan!.operations, summary: planned.plan!.summary };
      } finally {
        await opened.close();
        proxy.state.strip = false;
      }
    };
    proxy.state.paths = [];
    const narrow = await plan(false);
    expect(selects('User').every((s) => s?.split(',').includes('CF_PayrollNumber') && !s.split(',').includes('Fullname'))).toBe(true);
        expect(['create', 'update', 'deactivate'].map((action) => narrow.operations.some((op) => op.action === action && (action === 'create' || op.fingerprint)))).toEqual([true, true, true]);
    expect(JSON.stringify(narrow)).toBe(JSON.stringify(await plan(true)));
  });

  it('a manager written by email is the ID of a user already read, asked for with no lookup — before a write needs one and after (the email → ID map is made on first use, then kept in step)', async () => {
    const opened = await openTarget('lms', { cwd: dir, env: ENV });
    const target = opened.target!;
    const lookups = () => proxy.state.paths.filter((p) => decodeURIComponent(p.replace(/\+/g, ' ')).includes('Email eq'));
    try {
      const users = await listAll(target, 'users');
      const [boss, report, other] = users as [CanonicalValues, CanonicalValues, CanonicalValues];
      proxy.state.paths = [];
      await target.writer!.write({ action: 'update', entity: 'users', id: String(report.id), values: { managerEmail: String(boss.email).toUpperCase() } });
      // A user created once the map is made: remembered into it, so naming it needs no lookup either.
      const created = await target.writer!.write({ action: 'create', entity: 'users', values: { externalId: 'MGR-NEW', firstName: 'Nia', lastName: 'New', email: 'nia.new@acme-logistics.co.uk', companyId: 'ACME01' } });
      await target.writer!.write({ action: 'update', entity: 'users', id: String(other.id), values: { managerEmail: 'nia.new@acme-logistics.co.uk' } });
      expect(lookups()).toEqual([]);
      const managerOf = async (id: unknown) => (await target.writer!.lookup('users', { field: 'id', value: String(id) }))!.managerEmail;
      expect([await managerOf(report.id), await managerOf(other.id)]).toEqual([boss.email, 'nia.new@acme-logistics.co.uk']);
      expect(created.id).toBeTruthy();
      // A manager no user read has: one lookup.
      await expect(target.writer!.write({ action: 'update', entity: 'users', id: String(other.id), values: { managerEmail: 'nobody@acme-logistics.co.uk' } })).rejects.toThrow(/is not a user/);
      expect(lookups()).toHaveLength(1);
    } finally {
      await opened.close();
    }
  });

  it('a server that refuses the selection (400) is read whole instead, said once: the same records, never a failed list', async () => {
    const opened = await openTarget('lms', { cwd: dir, env: ENV });
    const notices: string[] = [];
    try {
      proxy.state.strip = true;
      const whole: CanonicalValues[] = [];
      for await (const page of opened.target!.list('users')) whole.push(...page);
      proxy.state.strip = false;
      proxy.state.refuse = true;
      proxy.state.paths = [];
      const read: CanonicalValues[] = [];
      for await (const page of opened.target!.list('users', { onNotice: (m) => notices.push(m) })) read.push(...page);
      expect(read).toEqual(whole);
      expect(notices).toEqual([expect.stringMatching(/refused \$select on User .*: reading whole records instead$/)]);
      // The refused first page, then every page whole.
      expect(selects('User').slice(1).every((s) => s === null)).toBe(true);
    } finally {
      proxy.state.refuse = false;
      await opened.close();
    }
  });
});
