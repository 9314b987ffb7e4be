import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { Bookmark, HeldLock, JournalEntry, LockHolder, LockRequest, RunRecord, SentScope, StateStore } from '../core/ports.js';
import { HrsyncError, OutputError, SafetyStop, StateUnavailable, UsageError } from '../errors.js';
import { redact } from '../http/redact.js';
import type { LeaseData, LeaseHolder, LeaseMessage } from './lock-lease.js';
import { LockBusy } from './lock.js';
import { HISTORY_PER_TARGET } from './state-dir.js';
import type { ConnectionOptions } from 'node:tls';

/** How the `postgres` backend connects, from its config entry and the URL its variable holds. */
export interface PostgresSettings {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  /** False: no TLS; otherwise node:tls options (verification on unless sslmode or the config says otherwise). */
  ssl: false | ConnectionOptions;
  schema: string;
  lockExpiryMs: number;
  connectTimeoutMs: number;
  applicationName: string;
  /** postgres://user@host:port/database: what messages and `state show` name (never the password). */
  where: string;
  /** What is removed from any text that may reach a person: the password, in every spelling. */
  secrets: string[];
  /** The environment variable that holds the URL, for hints ("check HRSYNC_STATE_URL"). */
  variable: string;
}

/** How long a refusal waits for a run that holds the lock but has not yet written who it is. */
const STARTING_GRACE_MS = 2_000;

/** The first key of every advisory lock hrsync takes ("hrsy"): its locks never meet another program's second key alone. */
const LOCK_SPACE = 0x68727379;

/** A 32-bit key for an advisory lock: the schema and what is locked, hashed. */
function lockKey(schema: string, resource: string): number {
  return createHash('sha256').update(`${schema}\u0000${resource}`).digest().readInt32BE(0);
}

/**
 * The schema, one step per version: `state migrate` (and the first use of a database) applies those
 * after the version a database has, in one transaction, under an advisory lock so that two runners
 * starting together migrate once. Each table holds one row per key.
 */
const MIGRATIONS: ReadonlyArray<(s: string) => string[]> = [
  (s) => [
    `CREATE TABLE IF NOT EXISTS ${s}.bookmarks (key text PRIMARY KEY, source text NOT NULL, target text NOT NULL, entity text NOT NULL, at timestamptz NOT NULL, updated timestamptz NOT NULL DEFAULT now())`,
    `CREATE TABLE IF NOT EXISTS ${s}.sent (scope text NOT NULL, entity text NOT NULL, key text NOT NULL, target text NOT NULL, sent text NOT NULL, updated timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (scope, entity, key))`,
    `CREATE TABLE IF NOT EXISTS ${s}.locks (resource text PRIMARY KEY, label text NOT NULL, what text NOT NULL, pid integer NOT NULL, host text NOT NULL, started timestamptz NOT NULL, expires timestamptz NOT NULL, backend integer NOT NULL, token text NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${s}.runs (id bigserial PRIMARY KEY, at timestamptz NOT NULL, ms integer NOT NULL, command text NOT NULL, target text NOT NULL, label text NOT NULL, source text, counts jsonb NOT NULL, exit_code integer NOT NULL, host text NOT NULL, pid integer NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS runs_target ON ${s}.runs (target, id)`,
  ],
  // Runs have ids, and their journals (the before-images an undo needs) are kept with them.
  (s) => [
    `ALTER TABLE ${s}.runs ADD COLUMN IF NOT EXISTS run text, ADD COLUMN IF NOT EXISTS results text, ADD COLUMN IF NOT EXISTS plan text, ADD COLUMN IF NOT EXISTS undoes text`,
    `CREATE UNIQUE INDEX IF NOT EXISTS runs_run ON ${s}.runs (run)`,
    `CREATE TABLE IF NOT EXISTS ${s}.journal (run text NOT NULL, seq integer NOT NULL, key text NOT NULL, entry jsonb NOT NULL, PRIMARY KEY (run, seq))`,
  ],
];
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Network-level failures: the database was not reached (or the connection was cut), as opposed to an SQL error. */
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EPIPE|timeout|Connection terminated|certificate|self[- ]signed|SSL|TLS|does not support SSL|closed/i;

/**
 * The lock's worker (lock-lease.ts): beside this module once built (tsc's output, and the bundle's, where
 * it is an entry of its own); run from source (the tests), this module has no .js beside it, so tsc's
 * output is used — the test suite's global setup builds it first.
 */
const LEASE_WORKER = new URL(import.meta.url.endsWith('.ts') ? '../../dist/src/app/lock-lease.js' : './lock-lease.js', import.meta.url);

/** What a session waits for the server before calling it lost: a statement, and a row another session holds. */
const STATEMENT_TIMEOUT_MS = 60_000;

/**
 * The `postgres` backend: one database (one schema in it) shared by every runner. Bookmarks, last-sent
 * fingerprints and the run history are rows; every change is one transaction. Reads and writes go
 * through a small pool whose idle connections close after a few seconds (a run is mostly not talking
 * to it); each lock has a session of its own.
 *
 * A lock is two things. A session-level advisory lock (`pg_try_advisory_lock`), which is what keeps
 * two runs apart: the server holds it for the holder's session and drops it the moment that session
 * ends — a runner killed outright (kill -9, an OOM kill, a cancelled job) frees it at once, as its
 * connection closes. And a row in `locks` (holder pid, host, what, started, expires), renewed by a
 * heartbeat every quarter of `lockExpiry`: advisory locks carry no holder, so the row is what the
 * refusal and `state show` name. A holder that goes silent with its connection still open (a frozen
 * machine, a network that drops the packets) stops renewing: its session is set to be ended by the
 * server after `lockExpiry` of silence (`idle_session_timeout`), and a run that finds the row expired
 * ends that session itself (`pg_terminate_backend`), so the lock lapses within `lockExpiry` either way.
 */
export class PostgresStateStore implements StateStore {
  readonly backend = 'postgres' as const;
  readonly where: string;
  private readonly s: string;
  private readonly pool: pg.Pool;
  private ready: Promise<{ from: number; to: number }> | undefined;
  /** The locks held, each by its release. */
  private readonly held_ = new Set<() => Promise<void>>();

  constructor(private readonly settings: PostgresSettings) {
    this.where = settings.where;
    this.s = `"${settings.schema}"`;
    this.pool = new pg.Pool({ ...this.clientConfig(), max: 2, idleTimeoutMillis: 5_000, allowExitOnIdle: true });
    // An idle connection the server or the network ends is dropped by the pool; the next query makes another.
    this.pool.on('error', () => undefined);
  }

  private clientConfig(): pg.ClientConfig {
    const { host, port, user, password, database, ssl, connectTimeoutMs, applicationName } = this.settings;
    return {
      host, port, user, database, ssl, application_name: applicationName,
      ...(password !== undefined ? { password } : {}),
      connectionTimeoutMillis: connectTimeoutMs,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      query_timeout: STATEMENT_TIMEOUT_MS + 5_000,
      keepAlive: true,
    };
  }

  /** The server's words, redacted, for a message. */
  private words(error: unknown): string {
    const e = error as { message?: string; code?: string; errors?: Array<{ message?: string }> } | undefined;
    // Several addresses tried (localhost: ::1 and 127.0.0.1) come as one AggregateError with no message of its own.
    const message = e?.message || e?.errors?.map((x) => x.message).filter(Boolean).join('; ') || (e?.code ? String(e.code) : String(error)) || 'no reason given';
    return redact(message, this.settings.secrets);
  }

  /** Why the database could not be used, as hrsync's own error (exit 4), naming the host and never the password. */
  private unavailable(error: unknown, doing: string): HrsyncError {
    if (error instanceof HrsyncError) return error;
    const code = (error as { code?: string } | undefined)?.code ?? '';
    const words = this.words(error);
    const check = `check ${this.settings.variable} (host, port, database, user and password) and that the database accepts this machine`;
    if (code === '28P01' || code === '28000') return new StateUnavailable(`the state database ${this.where} refused the credentials: ${words}`, check);
    if (code === '3D000') return new StateUnavailable(`the state database ${this.where} does not exist: ${words}`, `create it, or name another in ${this.settings.variable}`);
    if (code === '42501') return new StateUnavailable(`the state database ${this.where} refused ${doing}: ${words}`, `the user needs CREATE on the database (or an existing schema "${this.settings.schema}" it owns) and rights on its tables`);
    if (!code.match(/^[0-9A-Z]{5}$/) || code.startsWith('08') || code.startsWith('57') || UNREACHABLE.test(words))
      return new StateUnavailable(`the state database ${this.where} cannot be reached: ${words}`, `${check}; nothing was done`);
    return new StateUnavailable(`the state database ${this.where} failed ${doing}: ${words}`);
  }

  /** A write that failed: hrsync's own output (74), like a state file that cannot be written. */
  private unwritten(error: unknown, what: string): HrsyncError {
    if (error instanceof HrsyncError) return error;
    return new OutputError(`could not write ${what} to the state database ${this.where}: ${this.words(error)}`, `check ${this.settings.variable} and the database`);
  }

  private async run<T>(doing: string, work: (client: pg.PoolClient) => Promise<T>, failed?: (error: unknown) => HrsyncError): Promise<T> {
    await this.migrated();
    return this.connected(doing, work, failed);
  }

  /** `work` on a pooled connection: a failure to connect, or of the work, in words (`failed`). */
  private async connected<T>(doing: string, work: (client: pg.PoolClient) => Promise<T>, failed: (error: unknown) => HrsyncError = (e) => this.unavailable(e, doing)): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.unavailable(error, doing);
    }
    try {
      return await work(client);
    } catch (error) {
      throw failed(error);
    } finally {
      client.release();
    }
  }

  /** Runs `work` in one transaction: all of it, or none. */
  private async transaction<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<T> {
    await client.query('BEGIN');
    try {
      const result = await work();
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** The schema as this hrsync needs it: made or brought up to date on first use (once per store). */
  private migrated(): Promise<{ from: number; to: number }> {
    return (this.ready ??= this.upgrade().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    }));
  }

  /** `state migrate`: looks again (another runner may have migrated since), and migrates if need be. */
  async migrate(): Promise<{ from: number; to: number }> {
    const done = await this.upgrade();
    this.ready = Promise.resolve(done);
    return done;
  }

  private async upgrade(): Promise<{ from: number; to: number }> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.unavailable(error, 'a connection');
    }
    const { schema } = this.settings;
    const s = this.s;
    const versionOf = () => this.versionIn(client);
    try {
      // Most runs: the schema is there and current, and nothing is locked or created.
      const seen = await versionOf();
      if (seen > SCHEMA_VERSION)
        throw new UsageError(`the state schema "${schema}" in ${this.where} is at version ${seen}, newer than this hrsync knows (${SCHEMA_VERSION})`, 'upgrade hrsync on this runner to the version the others use');
      if (seen === SCHEMA_VERSION) return { from: seen, to: seen };
      return await this.transaction(client, async () => {
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, lockKey(schema, 'migrate')]);
        const exists = await client.query<{ n: string | null }>('SELECT to_regnamespace($1) AS n', [s]);
        if (!exists.rows[0]?.n) await client.query(`CREATE SCHEMA ${s}`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${s}.meta (key text PRIMARY KEY, value text NOT NULL)`);
        const from = await versionOf(); // another runner may have migrated while this one waited
        for (let v = from; v < SCHEMA_VERSION; v++) for (const statement of MIGRATIONS[v]!(s)) await client.query(statement);
        await client.query(`INSERT INTO ${s}.meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [String(SCHEMA_VERSION)]);
        return { from, to: SCHEMA_VERSION };
      });
    } catch (error) {
      throw this.unavailable(error, `to create the schema "${schema}"`);
    } finally {
      client.release();
    }
  }

  /** The schema's version in the database (0: none yet). */
  private async versionIn(client: pg.PoolClient): Promise<number> {
    const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`${this.s}.meta`]);
    if (!exists.rows[0]?.t) return 0;
    const row = await client.query<{ value: string }>(`SELECT value FROM ${this.s}.meta WHERE key = 'schema_version'`);
    return Number(row.rows[0]?.value ?? 0);
  }

  /**
   * A read (state show, history, reset, or a run's first look): with no schema yet there is nothing
   * stored, so it answers `none` and creates nothing; otherwise as `run` (an older schema is brought
   * up to date first).
   */
  private async read<T>(doing: string, none: T, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (!this.ready) {
      const version = await this.connected(doing, (client) => this.versionIn(client));
      if (version === 0) return none;
      if (version === SCHEMA_VERSION) this.ready ??= Promise.resolve({ from: version, to: version });
    }
    return this.run(doing, work);
  }

  bookmarks(): Promise<Bookmark[]> {
    return this.read('reading the bookmarks', [], async (c) => (await c.query(`SELECT key, source, target, entity, at FROM ${this.s}.bookmarks ORDER BY at, key`)).rows.map(bookmarkOf));
  }

  bookmark(key: string): Promise<Bookmark | undefined> {
    return this.read('reading a bookmark', undefined, async (c) => (await c.query(`SELECT key, source, target, entity, at FROM ${this.s}.bookmarks WHERE key = $1`, [key])).rows.map(bookmarkOf)[0]);
  }

  setBookmark(b: Bookmark): Promise<void> {
    return this.run(
      'writing the bookmark',
      async (c) => {
        await c.query(
          `INSERT INTO ${this.s}.bookmarks (key, source, target, entity, at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (key) DO UPDATE SET source = EXCLUDED.source, target = EXCLUDED.target, entity = EXCLUDED.entity, at = EXCLUDED.at, updated = now()`,
          [b.key, b.source, b.target, b.entity, b.at],
        );
      },
      (error) => this.unwritten(error, 'the bookmark'),
    );
  }

  resetBookmarks(match?: string): Promise<number> {
    return this.read('clearing bookmarks', 0, async (c) => {
      const result = await c.query(`DELETE FROM ${this.s}.bookmarks WHERE $1::text IS NULL OR strpos(key, $1) > 0 OR strpos(source, $1) > 0 OR strpos(target, $1) > 0`, [match ?? null]);
      return result.rowCount ?? 0;
    });
  }

  /** Kept by the target's identity (its type and where it is), not its name: configs that share a database may reuse a name. */
  loadSent(scope: SentScope): Promise<Map<string, string>> {
    return this.read('reading the last-sent fingerprints', new Map<string, string>(), async (c) => {
      const rows = await c.query<{ key: string; sent: string }>(`SELECT key, sent FROM ${this.s}.sent WHERE scope = $1 AND entity = $2`, [scope.identity, scope.entity]);
      return new Map(rows.rows.map((r) => [r.key, r.sent]));
    });
  }

  saveSent(scope: SentScope, sent: ReadonlyMap<string, string>): Promise<void> {
    if (sent.size === 0) return Promise.resolve();
    return this.run(
      'writing the sync state',
      (c) =>
        this.transaction(c, async () => {
          const entries = [...sent];
          for (let i = 0; i < entries.length; i += 5_000) {
            const chunk = entries.slice(i, i + 5_000);
            await c.query(
              `INSERT INTO ${this.s}.sent (scope, entity, target, key, sent) SELECT $1, $2, $3, k, v FROM unnest($4::text[], $5::text[]) AS t(k, v)
               ON CONFLICT (scope, entity, key) DO UPDATE SET sent = EXCLUDED.sent, target = EXCLUDED.target, updated = now()`,
              [scope.identity, scope.entity, scope.name, chunk.map(([k]) => k), chunk.map(([, v]) => v)],
            );
          }
        }),
      (error) => this.unwritten(error, 'the sync state'),
    );
  }

  sentSummary(): Promise<Array<{ target: string; entity: string; records: number }>> {
    return this.read('reading the last-sent fingerprints', [], async (c) => {
      const rows = await c.query<{ target: string; entity: string; records: string }>(`SELECT max(target) AS target, entity, count(*) AS records FROM ${this.s}.sent GROUP BY scope, entity ORDER BY 1, 2`);
      return rows.rows.map((r) => ({ target: r.target, entity: r.entity, records: Number(r.records) }));
    });
  }

  locks(): Promise<Array<LockHolder & { resource: string }>> {
    return this.read('reading the locks', [], async (c) => {
      const rows = await c.query(
        `SELECT l.resource, l.what, l.pid, l.host, l.started, l.expires, l.backend,
                EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = l.backend) AND l.expires > now() AS held
         FROM ${this.s}.locks l ORDER BY l.started`,
      );
      return rows.rows.map((r) => ({ resource: r.resource, ...holderOf(r), held: Boolean(r.held) }));
    });
  }

  /**
   * The lock (see the class), held by a session of its own in a worker thread (`lock-lease.ts`), so
   * that its renewals go out on time however long the run's own thread is busy (a large plan is built
   * and printed synchronously). A second run finds the advisory lock taken and names the row's holder
   * — or, with `waitMs`, tries again every half second until then.
   */
  async lock(resource: string, label: string, what: string, request: LockRequest = {}): Promise<HeldLock> {
    await this.migrated();
    const { schema, lockExpiryMs } = this.settings;
    const { ssl, ...client } = this.clientConfig();
    const { checkServerIdentity, ...verified } = ssl && typeof ssl === 'object' ? ssl : { checkServerIdentity: undefined };
    const lease: LeaseData = {
      client: { ...client, ssl: ssl ? verified : false, application_name: `${this.settings.applicationName} lock` },
      skipHostCheck: checkServerIdentity !== undefined,
      s: this.s, resource, space: LOCK_SPACE, key: lockKey(schema, resource), what, label, pid: process.pid, host: hostname(),
      token: randomUUID(), expiryMs: lockExpiryMs, waitMs: request.waitMs ?? 0, graceMs: STARTING_GRACE_MS,
    };
    const worker = new Worker(LEASE_WORKER, { workerData: { lease } });
    const first = await new Promise<LeaseMessage | { kind: 'crashed'; error: unknown }>((resolve) => {
      worker.once('message', resolve);
      worker.once('error', (error) => resolve({ kind: 'crashed', error }));
      worker.once('exit', (code) => resolve({ kind: 'crashed', error: new Error(`the lock's worker ended (code ${code})`) }));
    });
    worker.removeAllListeners();
    if (first.kind === 'held') return this.held(worker, label, request);
    await worker.terminate();
    if (first.kind === 'busy') throw this.busy(label, first.holder, request.waitMs ?? 0);
    throw this.unavailable(first.kind === 'error' ? first.error : first.kind === 'crashed' ? first.error : new Error(`the lock's worker said ${first.kind}`), 'a lock');
  }

  /** The refusal of a lock another run holds, naming it (from its row), or a run that is starting. */
  private busy(label: string, holder: LeaseHolder | undefined, waitMs: number): LockBusy {
    const who = holder ? `pid ${holder.pid} on ${holder.host}, since ${holder.since} (${holder.what}; it renews the lock until ${holder.expires})` : 'a run that is starting';
    return new LockBusy(
      `another hrsync run is writing to ${label}: ${who}; nothing was done`,
      waitMs
        ? `it did not finish within ${Math.round(waitMs / 1000)} s; run again when it has`
        : `wait for it to finish, or pass --wait-lock SECONDS to wait; the lock is kept in the state database ${this.where}, for every runner that uses it (a runner that died frees it within ${Math.round(this.settings.lockExpiryMs / 1000)} s)`,
    );
  }

  /**
   * A lock its worker holds: lost when the worker says so (or ends, or fails) before it is released —
   * `onLost` is told and `lost` aborted, so that no new write starts. Released by asking the worker,
   * which tidies up (or cuts its session) and ends; a worker that does not answer in time is ended.
   */
  private held(worker: Worker, label: string, request: LockRequest): HeldLock {
    let done = false;
    const lostSignal = new AbortController();
    const lost = (reason: string) => {
      if (done) return;
      done = true;
      this.held_.delete(release);
      const message = `the lock on ${label} in the state database ${this.where} was lost (${this.words({ message: reason })}): another run may be writing to it now`;
      request.onLost?.(message);
      lostSignal.abort(message);
      void worker.terminate();
    };
    worker.on('message', (m: LeaseMessage) => (m.kind === 'lost' ? lost(m.reason) : undefined));
    worker.on('error', (error) => lost(this.words(error)));
    worker.on('exit', () => lost('its worker ended'));
    const release = async () => {
      if (done) return;
      done = true;
      this.held_.delete(release);
      const bound = 3 * Math.min(5_000, Math.floor(this.settings.lockExpiryMs / 2)) + 1_000;
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => {
          worker.on('message', (m: LeaseMessage) => (m.kind === 'released' ? resolve() : undefined));
          worker.once('exit', () => resolve());
          worker.postMessage({ kind: 'release' });
        }),
        new Promise<void>((resolve) => (timeout = setTimeout(resolve, bound))),
      ]);
      clearTimeout(timeout);
      await worker.terminate();
    };
    this.held_.add(release);
    return { release, lost: lostSignal.signal };
  }


  /** A row of `meta` (`plan_key`), made by the first run that asks: whoever can read the schema can sign a plan. */
  planKey(): Promise<Buffer> {
    const read = async (c: pg.PoolClient) => (await c.query<{ value: string }>(`SELECT value FROM ${this.s}.meta WHERE key = 'plan_key'`)).rows[0]?.value;
    return this.run('reading the plan key', async (c) => {
      let value = await read(c);
      if (value === undefined) {
        await c.query(`INSERT INTO ${this.s}.meta (key, value) VALUES ('plan_key', $1) ON CONFLICT (key) DO NOTHING`, [randomBytes(32).toString('hex')]);
        value = await read(c); // the first one made, if another run made one meanwhile
      }
      if (!value || !/^[0-9a-f]{64}$/.test(value)) throw new SafetyStop(`the plan key in the state database ${this.where} (${this.settings.schema}.meta, plan_key) is damaged; nothing was done`, 'delete that row: the next run makes another (plans saved before must be made again)');
      return Buffer.from(value, 'hex');
    });
  }

  /** The run, and its journal (one row per write, in order), in one transaction; a journal of a run no longer kept goes with it. */
  recordRun(run: RunRecord, journal: readonly JournalEntry[] = []): Promise<void> {
    return this.run(
      'recording the run',
      (c) =>
        this.transaction(c, async () => {
          await c.query(
            `INSERT INTO ${this.s}.runs (at, ms, command, target, label, source, counts, exit_code, host, pid, run, results, plan, undoes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
            [run.at, Math.round(run.ms), run.command, run.target, run.label, run.source ?? null, JSON.stringify(run.counts), run.exitCode, run.host, run.pid, run.id ?? null, run.results ?? null, run.plan ?? null, run.undoes ?? null],
          );
          if (run.id)
            for (let i = 0; i < journal.length; i += 500) {
              const part = journal.slice(i, i + 500);
              await c.query(
                `INSERT INTO ${this.s}.journal (run, seq, key, entry) SELECT $1, i + $2, k, e FROM unnest($3::text[], $4::jsonb[]) WITH ORDINALITY AS t(k, e, i)`,
                [run.id, i, part.map((e) => e.key), part.map((e) => JSON.stringify(e))],
              );
            }
          await c.query(`DELETE FROM ${this.s}.runs WHERE target = $1 AND id < (SELECT min(id) FROM (SELECT id FROM ${this.s}.runs WHERE target = $1 ORDER BY id DESC LIMIT $2) AS kept)`, [run.target, HISTORY_PER_TARGET]);
          await c.query(`DELETE FROM ${this.s}.journal j WHERE NOT EXISTS (SELECT 1 FROM ${this.s}.runs r WHERE r.run = j.run)`);
        }),
      (error) => this.unwritten(error, 'the run history'),
    );
  }

  history(options: { limit?: number; target?: string } = {}): Promise<RunRecord[]> {
    return this.read('reading the run history', [], async (c) => {
      const rows = await c.query(
        `SELECT at, ms, command, target, label, source, counts, exit_code, host, pid, run, results, plan, undoes FROM ${this.s}.runs WHERE $1::text IS NULL OR target = $1 ORDER BY at DESC, id DESC LIMIT $2`,
        [options.target ?? null, options.limit ?? null],
      );
      return rows.rows.map((r) => ({
        ...(r.run ? { id: r.run } : {}),
        at: iso(r.at), ms: Number(r.ms), command: r.command, target: r.target, label: r.label, ...(r.source ? { source: r.source } : {}),
        counts: r.counts as Record<string, number>, exitCode: Number(r.exit_code), host: r.host, pid: Number(r.pid),
        ...(r.results ? { results: r.results } : {}), ...(r.plan ? { plan: r.plan } : {}), ...(r.undoes ? { undoes: r.undoes } : {}),
      }));
    });
  }

  journal(run: string): Promise<JournalEntry[] | undefined> {
    return this.read('reading a run’s journal', undefined, async (c) => {
      const known = await c.query(`SELECT 1 FROM ${this.s}.runs WHERE run = $1`, [run]);
      if (!known.rowCount) return undefined;
      return (await c.query<{ entry: JournalEntry }>(`SELECT entry FROM ${this.s}.journal WHERE run = $1 ORDER BY seq`, [run])).rows.map((r) => r.entry);
    });
  }

  async close(): Promise<void> {
    for (const release of [...this.held_]) await release();
    await this.pool.end().catch(() => undefined);
  }
}


function iso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

function bookmarkOf(row: { key: string; source: string; target: string; entity: string; at: unknown }): Bookmark {
  return { key: row.key, source: row.source, target: row.target, entity: row.entity, at: iso(row.at) };
}

function holderOf(row: { what: string; pid: unknown; host: string; started: unknown; expires: unknown }): LockHolder {
  return { pid: Number(row.pid), host: row.host, since: iso(row.started), what: row.what, expires: iso(row.expires) };
}
