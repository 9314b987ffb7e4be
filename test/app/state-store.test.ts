import { statSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { hostname } from 'node:os';
import pg from 'pg';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LockBusy } from '../../src/app/lock.js';
import { DirStateStore } from '../../src/app/state-dir.js';
import { stateStore } from '../../src/app/state-store.js';
import type { RunRecord, StateStore } from '../../src/core/ports.js';
import { tempDir } from '../helpers/files.js';
import { freshSchema, postgresCluster, POSTGRES_SKIPPED, SKIP_MESSAGE, TEST_DATABASE, type Cluster } from '../helpers/postgres.js';
import { PATIENCE_MS } from '../helpers/patience.js';

if (POSTGRES_SKIPPED) console.warn(SKIP_MESSAGE);

/**
 * A TCP relay to the test server that can go silent, as a network that drops the packets does: the
 * connections stay open, nothing more passes either way, and neither end is told.
 */
async function silentNetwork(port: number): Promise<{ port: number; silence(): void; close(): Promise<void> }> {
  let silent = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(from);
      from.on('data', (chunk) => void (silent || to.write(chunk)));
      from.on('error', () => undefined);
      from.on('close', () => void (silent || to.destroy()));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    silence: () => void (silent = true),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const run = (target: string, at: string, exitCode = 0): RunRecord => ({
  at, ms: 1200, command: 'import', target, label: `accessplanit "${target}"`, counts: { create: 2, applied: 2 }, exitCode, host: 'runner-1', pid: 4242,
});

/**
 * The state store's contract, the same for both backends: bookmarks, last-sent fingerprints, locks,
 * run history, migration. The `dir` backend in a temporary folder (its lock in a lock folder of its
 * own); the `postgres` backend against a real server, a schema of its own per store.
 */
function contract(name: string, make: () => Promise<{ store: StateStore; another: () => StateStore }>) {
  describe(`the ${name} state store`, () => {
    it('keeps bookmarks: set replaces one key, get finds it, reset clears all or those matching', async () => {
      const { store, another } = await make();
      try {
        expect(await store.bookmarks()).toEqual([]);
        const a = { key: 'import unified https://hr → accessplanit https://lms', source: 'hr', target: 'lms', entity: 'users', at: '2026-11-01T02:17:00.123Z' };
        const b = { key: 'export accessplanit https://lms users', source: 'lms', target: 'out.csv', entity: 'users', at: '2026-11-02T02:17:00.000Z' };
        await store.setBookmark(a);
        await store.setBookmark(b);
        await store.setBookmark({ ...a, at: '2026-11-03T02:17:00.456Z' });
        // Another store on the same state (another runner) sees them.
        const other = another();
        expect(await other.bookmark(a.key)).toEqual({ ...a, at: '2026-11-03T02:17:00.456Z' });
        expect((await other.bookmarks()).map((x) => x.key).sort()).toEqual([a.key, b.key].sort());
        expect(await other.bookmark('nothing')).toBeUndefined();
        expect(await store.resetBookmarks('out.csv')).toBe(1);
        expect(await store.resetBookmarks('no such')).toBe(0);
        expect(await store.resetBookmarks()).toBe(1);
        expect(await other.bookmarks()).toEqual([]);
        await other.close();
      } finally {
        await store.close();
      }
    });

    it('keeps last-sent fingerprints per target and entity, merging what each run sent', async () => {
      const { store, another } = await make();
      try {
        const go = { name: 'go', identity: 'platform go=https://go.example.com', entity: 'users' };
        expect((await store.loadSent(go)).size).toBe(0);
        await store.saveSent(go, new Map([['externalId=E1', 'aaa email,firstName'], ['externalId=E2', 'bbb email']]));
        await store.saveSent(go, new Map([['externalId=E2', 'ccc email'], ['externalId=E3', 'ddd email']]));
        await store.saveSent(go, new Map());
        const other = another();
        expect([...(await other.loadSent(go))].sort()).toEqual([['externalId=E1', 'aaa email,firstName'], ['externalId=E2', 'ccc email'], ['externalId=E3', 'ddd email']]);
        expect(await other.sentSummary()).toEqual([{ target: 'go', entity: 'users', records: 3 }]);
        expect((await other.loadSent({ ...go, name: 'other', identity: 'platform other=https://x' })).size).toBe(0);
        await other.close();
      } finally {
        await store.close();
      }
    });

    it('keeps a run’s id, folder, plan and the run it undid; the database keeps its journal too (the folder keeps none of its own)', async () => {
      const { store, another } = await make();
      try {
        const entry = { at: '2026-11-01T02:00:01.000Z', entity: 'users', action: 'update' as const, key: 'externalId=E1', file: 'u.csv', line: 2, status: 'ok' as const, id: '7', error: null, changes: [{ field: 'jobTitle', from: 'A', to: 'B' }] };
        const first = { ...run('lms', '2026-11-01T02:00:00.000Z'), id: 'run-1', results: '/runs/1', plan: 'abc', undoes: 'run-0' };
        await store.recordRun(first, [entry, { ...entry, key: 'externalId=E2', id: '8' }]);
        expect((await another().history())[0]).toEqual(first);
        const kept = await another().journal('run-1');
        if (name === 'dir') expect(kept).toBeUndefined();
        else expect(kept).toEqual([entry, { ...entry, key: 'externalId=E2', id: '8' }]);
        expect(await store.journal('no-such-run')).toBeUndefined();
      } finally {
        await store.close();
      }
    });

    it('keeps a short run history: newest first, per target, the oldest beyond 100 a target dropped', async () => {
      const { store } = await make();
      try {
        for (let i = 0; i < 103; i++) await store.recordRun(run('lms', new Date(Date.UTC(2026, 10, 1, 2, 0, i)).toISOString(), i === 102 ? 5 : 0));
        await store.recordRun(run('go', '2026-11-02T02:00:00.000Z', 6));
        const all = await store.history();
        expect(all).toHaveLength(101);
        expect(all[0]).toEqual(run('go', '2026-11-02T02:00:00.000Z', 6));
        expect(all[1]).toMatchObject({ target: 'lms', exitCode: 5, at: '2026-11-01T02:01:42.000Z', counts: { create: 2, applied: 2 } });
        expect((await store.history({ target: 'lms' })).at(-1)!.at).toBe('2026-11-01T02:00:03.000Z');
        expect(await store.history({ target: 'lms', limit: 2 })).toHaveLength(2);
        expect(await store.history({ target: 'nothing' })).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('locks a resource once: a second refuses naming the holder, or waits for its release', async () => {
      const { store, another } = await make();
      const other = another();
      try {
        const held = await store.lock('accessplanit https://lms', 'accessplanit "lms"', 'import into accessplanit "lms"');
        const refused = await other.lock('accessplanit https://lms', 'accessplanit "lms"', 'import into accessplanit "lms"').catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(LockBusy);
        expect((refused as LockBusy).exitCode).toBe(6);
        expect((refused as LockBusy).message).toMatch(new RegExp(`another hrsync run is writing to accessplanit "lms": pid ${process.pid} (of \\S+ \\(uid \\d+\\) )?on ${hostname()}, since `));
        const shown = await other.locks();
        expect(shown.filter((l) => l.held !== false).map((l) => [l.pid, l.what])).toContainEqual([process.pid, 'import into accessplanit "lms"']);
        // Another resource is another lock.
        await (await other.lock('accessplanit https://other', 'x', 'import')).release();
        const started = Date.now();
        setTimeout(() => void held.release(), 700);
        const waited = await other.lock('accessplanit https://lms', 'accessplanit "lms"', 'import', { waitMs: 2 * PATIENCE_MS });
        expect(Date.now() - started).toBeGreaterThanOrEqual(600);
        expect(Date.now() - started).toBeLessThan(PATIENCE_MS); // taken when released, not at the end of the wait
        await waited.release();
        await (await store.lock('accessplanit https://lms', 'accessplanit "lms"', 'import')).release();
      } finally {
        await other.close();
        await store.close();
      }
    });

    it('keeps one plan key: 32 bytes, made once (by the first of several asking at once), the same for every store on that state', async () => {
      const { store, another } = await make();
      const others = [another(), another(), another()];
      try {
        const keys = await Promise.all([store, ...others].map((s) => s.planKey()));
        expect(keys[0]!.length).toBe(32);
        expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(1);
        expect((await store.planKey()).equals(keys[0]!)).toBe(true);
        const { store: elsewhere } = await make();
        expect((await elsewhere.planKey()).equals(keys[0]!)).toBe(false);
        await elsewhere.close();
      } finally {
        for (const s of [store, ...others]) await s.close();
      }
    });

    it('migrates: a second migration changes nothing', async () => {
      const { store } = await make();
      try {
        const first = await store.migrate();
        expect(first.to).toBeGreaterThanOrEqual(1);
        expect(await store.migrate()).toEqual({ from: first.to, to: first.to });
      } finally {
        await store.close();
      }
    });
  });
}

contract('dir', async () => {
  const home = tempDir();
  const locks = tempDir();
  return { store: new DirStateStore(home, locks), another: () => new DirStateStore(home, locks) };
});

describe('the dir state store on disk', () => {
  it('writes its files 0600 in folders 0700', async () => {
    const home = tempDir();
    const store = new DirStateStore(home, tempDir());
    await store.setBookmark({ key: 'k', source: 's', target: 't', entity: 'users', at: '2026-11-01T00:00:00.000Z' });
    await store.saveSent({ name: 'go', identity: 'x', entity: 'users' }, new Map([['a', 'b']]));
    await store.recordRun(run('go', '2026-11-01T00:00:00.000Z'));
    await store.planKey();
    for (const file of ['bookmarks.json', 'history.json', join('go', 'users.json'), 'plan.key']) expect(statSync(join(home, '.hrsync', 'state', file)).mode & 0o777, file).toBe(0o600);
    for (const folder of ['', 'go']) expect(statSync(join(home, '.hrsync', 'state', folder)).mode & 0o777, folder).toBe(0o700);
  });
});

describe.skipIf(POSTGRES_SKIPPED)('the postgres state store', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await postgresCluster();
  });
  const open = (schema: string, extra: Record<string, unknown> = {}) =>
    stateStore({ type: 'postgres', url: 'env:HRSYNC_STATE_URL', schema, lockExpiry: 5, ...extra }, tempDir(), { HRSYNC_STATE_URL: cluster.url() });

  contract('postgres', async () => {
    const schema = freshSchema();
    return { store: open(schema), another: () => open(schema) };
  });

  it('creates its schema on first write (a read creates nothing), one row per key, and a migration run twice (or by two runners at once) changes nothing', async () => {
    const schema = freshSchema();
    const [a, b] = [open(schema), open(schema)];
    try {
      // Two runners starting together on an empty database: one creates, the other finds it made.
      const both = await Promise.all([a.migrate(), b.migrate()]);
      expect(both.map((m) => m.from).sort()).toEqual([0, 2]);
      expect(both.every((m) => m.to === 2)).toBe(true);
      const tables = await cluster.admin<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema]);
      expect(tables.rows.map((r) => r.table_name)).toEqual(['bookmarks', 'journal', 'locks', 'meta', 'runs', 'sent']);
      await a.setBookmark({ key: 'k', source: 's', target: 't', entity: 'users', at: '2026-11-01T00:00:00.000Z' });
      await a.setBookmark({ key: 'k', source: 's', target: 't', entity: 'users', at: '2026-11-02T00:00:00.000Z' });
      expect((await cluster.admin(`SELECT count(*)::int AS n FROM "${schema}".bookmarks`)).rows[0]!.n).toBe(1);
      // First use without a migration: a read finds nothing and creates nothing; the first write makes the schema.
      const fresh = freshSchema();
      const c = open(fresh);
      expect([await c.bookmarks(), await c.history(), await c.locks(), await c.sentSummary(), await c.resetBookmarks()]).toEqual([[], [], [], [], 0]);
      expect((await cluster.admin('SELECT to_regnamespace($1) AS n', [fresh])).rows[0]!.n).toBe(null);
      await c.setBookmark({ key: 'k', source: 's', target: 't', entity: 'users', at: '2026-11-01T00:00:00.000Z' });
      expect(await c.bookmarks()).toHaveLength(1);
      expect(await c.migrate()).toEqual({ from: 2, to: 2 });
      await c.close();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('brings a version 1 schema up to date: its runs are kept (without ids), and runs from then on have ids and journals', async () => {
    const schema = freshSchema();
    await cluster.admin(`CREATE SCHEMA "${schema}"`);
    await cluster.admin(`CREATE TABLE "${schema}".meta (key text PRIMARY KEY, value text NOT NULL)`);
    await cluster.admin(`CREATE TABLE "${schema}".runs (id bigserial PRIMARY KEY, at timestamptz NOT NULL, ms integer NOT NULL, command text NOT NULL, target text NOT NULL, label text NOT NULL, source text, counts jsonb NOT NULL, exit_code integer NOT NULL, host text NOT NULL, pid integer NOT NULL)`);
    await cluster.admin(`INSERT INTO "${schema}".meta VALUES ('schema_version', '1')`);
    await cluster.admin(`INSERT INTO "${schema}".runs (at, ms, command, target, label, counts, exit_code, host, pid) VALUES ('2026-11-01T00:00:00Z', 5, 'import', 'lms', 'accessplanit "lms"', '{}', 0, 'h', 1)`);
    await cluster.admin(`GRANT ALL ON SCHEMA "${schema}" TO hrsync_test; GRANT ALL ON ALL TABLES IN SCHEMA "${schema}" TO hrsync_test; GRANT ALL ON ALL SEQUENCES IN SCHEMA "${schema}" TO hrsync_test`);
    await cluster.admin(`ALTER SCHEMA "${schema}" OWNER TO hrsync_test; ALTER TABLE "${schema}".meta OWNER TO hrsync_test; ALTER TABLE "${schema}".runs OWNER TO hrsync_test`);
    const store = open(schema);
    try {
      expect(await store.migrate()).toEqual({ from: 1, to: 2 });
      const entry = { at: '2026-11-02T00:00:00.000Z', entity: 'users', action: 'create' as const, key: 'externalId=E9', file: null, line: null, status: 'ok' as const, id: '9', error: null };
      await store.recordRun({ ...run('lms', '2026-11-02T00:00:00.000Z'), id: 'new-run' }, [entry]);
      const runs = await store.history();
      expect(runs.map((r) => r.id)).toEqual(['new-run', undefined]);
      expect(await store.journal('new-run')).toEqual([entry]);
    } finally {
      await store.close();
    }
  });

  it('a lock whose holder went silent lapses after its expiry; one whose holder died is free at once', async () => {
    const schema = freshSchema();
    const holder = open(schema);
    const other = open(schema);
    try {
      await holder.lock('r', 'r', 'import (killed)');
      // The holder's session ends, as when its process is killed: the server drops its advisory lock.
      await cluster.admin(`SELECT pg_terminate_backend(backend) FROM "${schema}".locks`);
      const started = Date.now();
      const taken = await other.lock('r', 'r', 'import', { waitMs: 10_000 });
      expect(Date.now() - started).toBeLessThan(3_000);
      await taken.release();
    } finally {
      await holder.close();
      await other.close();
    }
  });

  it('ends only the session that holds the lock: an expired row naming another session (its pid reused) ends no one', async () => {
    const schema = freshSchema();
    const holder = open(schema);
    const other = open(schema);
    // Another session of the same role: what the pid in a stale row may belong to by now.
    const bystander = new pg.Client({ connectionString: cluster.url() });
    await bystander.connect();
    bystander.on('error', () => undefined);
    try {
      const held = await holder.lock('r', 'r', 'import');
      const pid = (await bystander.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await cluster.admin(`UPDATE "${schema}".locks SET backend = $1, expires = now() - interval '1 minute'`, [pid]);
      await expect(other.lock('r', 'r', 'import')).rejects.toBeInstanceOf(LockBusy);
      expect((await bystander.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await held.release();
    } finally {
      await bystander.end().catch(() => undefined);
      await holder.close();
      await other.close();
    }
  });

  it('reads ?password= as libpq does: a + in it is a plus, not a space', async () => {
    const role = `hrsync_plus_${Math.random().toString(36).slice(2, 8)}`;
    await cluster.admin(`CREATE ROLE ${role} LOGIN PASSWORD 'a+b c+d'`);
    await cluster.admin(`GRANT ALL ON DATABASE ${TEST_DATABASE} TO ${role}`);
    const store = stateStore({ type: 'postgres', url: 'env:HRSYNC_STATE_URL', schema: freshSchema() }, tempDir(), { HRSYNC_STATE_URL: cluster.url({ user: role, password: null, query: 'password=a+b%20c%2Bd' }) });
    try {
      expect(await store.migrate()).toEqual({ from: 0, to: 2 });
    } finally {
      await store.close();
    }
  });

  it('a holder cut off from the database (packets dropped, no reset) knows its lock is lost before another can take it, and lets go at once', async () => {
    const schema = freshSchema();
    const network = await silentNetwork(cluster.port);
    const holder = stateStore({ type: 'postgres', url: 'env:HRSYNC_STATE_URL', schema, lockExpiry: 5 }, tempDir(), { HRSYNC_STATE_URL: cluster.url({ port: network.port }) });
    const other = open(schema);
    try {
      const told: string[] = [];
      const held = await holder.lock('r', 'accessplanit "lms"', 'import', { onLost: (m) => told.push(m) });
      let lostAt = 0;
      held.lost!.addEventListener('abort', () => (lostAt = Date.now()));
      const cut = Date.now();
      network.silence();
      // The server ends the silent session after the expiry (5 s); the other then takes the lock.
      const taken = await other.lock('r', 'r', 'import', { waitMs: 20_000 });
      const takenAt = Date.now();
      expect(takenAt - cut).toBeGreaterThanOrEqual(4_000);
      // The holder stopped before that: it never writes while another holds the lock.
      expect(lostAt, 'the holder was not told its lock was lost').toBeGreaterThan(0);
      expect(lostAt).toBeLessThan(takenAt);
      expect(told).toEqual([expect.stringContaining('the lock on accessplanit "lms" in the state database postgres://hrsync_test@127.0.0.1:')]);
      // Releasing and closing do not wait on a database that does not answer.
      const closing = Date.now();
      await held.release();
      await holder.close();
      expect(Date.now() - closing).toBeLessThan(3_000);
      await taken.release();
    } finally {
      await network.close();
      await holder.close();
      await other.close();
    }
  });
});
