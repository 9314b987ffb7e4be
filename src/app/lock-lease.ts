import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';

/**
 * The PostgreSQL lock's session, in a worker thread of its own (started by `PostgresStateStore.lock`).
 * The lease must be renewed every quarter of `lockExpiry` whatever the run is doing, and a run does
 * long stretches of synchronous work on its main thread — building and printing a 20,000-record plan
 * held it for about 3 s — during which no timer of that thread fires: with a short `lockExpiry` the
 * lock was lost, the server ending the session as idle. This thread does nothing but hold the lock,
 * so its timers fire on time however busy the run is; a frozen process (SIGSTOP, a suspended VM)
 * still stops renewing, as it must, since every thread stops with it.
 *
 * Messages to the main thread: `held`, `busy` (another holds it: its row), `error` (before it was
 * held), `lost` (after), `released`. From it: `release`. The worker never names the password: the
 * main thread redacts every word it passes on.
 */

/** What the main thread gives the worker (structured-clonable: no functions). */
export interface LeaseData {
  client: pg.ClientConfig;
  /** verify-ca: the chain is checked, the host name is not (a function, so it is rebuilt here). */
  skipHostCheck: boolean;
  /** The schema, quoted. */
  s: string;
  resource: string;
  space: number;
  key: number;
  what: string;
  label: string;
  pid: number;
  host: string;
  token: string;
  expiryMs: number;
  waitMs: number;
  /** How long a refusal waits for a run that holds the advisory lock but has not yet written its row. */
  graceMs: number;
}

export interface LeaseHolder {
  what: string;
  pid: number;
  host: string;
  since: string;
  expires: string;
  backend: number;
  expired: boolean;
}

export type LeaseMessage =
  | { kind: 'held' }
  | { kind: 'busy'; holder: LeaseHolder | undefined }
  | { kind: 'error'; error: { message: string; code?: string; errors?: Array<{ message?: string }> } }
  | { kind: 'lost'; reason: string }
  | { kind: 'released' };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString());

function post(message: LeaseMessage): void {
  parentPort!.postMessage(message);
}

/** A query that gives up after `ms` (pg reads query_timeout per query; its types do not say so). */
function within(session: pg.Client, text: string, values: unknown[], ms: number) {
  return session.query({ text, values, query_timeout: ms } as pg.QueryConfig);
}

async function holderOf(session: pg.Client, d: LeaseData): Promise<LeaseHolder | undefined> {
  const row = (await session.query(`SELECT what, pid, host, started, expires, backend, expires < now() AS expired FROM ${d.s}.locks WHERE resource = $1`, [d.resource])).rows[0];
  return row ? { what: row.what, pid: Number(row.pid), host: row.host, since: iso(row.started), expires: iso(row.expires), backend: Number(row.backend), expired: Boolean(row.expired) } : undefined;
}

/**
 * Takes the advisory lock, or says who holds it: a holder whose row expired (it stopped renewing) has
 * its session ended, once, and the lock is tried again; with `waitMs`, tried every half second until then.
 */
async function take(session: pg.Client, d: LeaseData): Promise<{ held: true } | { held: false; holder: LeaseHolder | undefined }> {
  const started = Date.now();
  const ended = new Set<number>();
  for (;;) {
    if ((await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [d.space, d.key])).rows[0]?.ok === true) return { held: true };
    const holder = await holderOf(session, d);
    if (holder?.expired && !ended.has(holder.backend)) {
      ended.add(holder.backend);
      // Only the session that holds this advisory lock now: the row's pid may belong to another session by now (the server reuses pids).
      const ending = await session
        .query<{ ok: boolean }>(
          `SELECT pg_terminate_backend(pid, 5000) AS ok FROM pg_locks
           WHERE locktype = 'advisory' AND granted AND pid = $1 AND classid = $2::bigint::oid AND objid = $3::bigint::oid AND objsubid = 2
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          [holder.backend, d.space, d.key >>> 0],
        )
        .catch(() => undefined);
      if (ending?.rows[0]?.ok) continue;
    }
    if (Date.now() - started < d.waitMs) {
      await sleep(Math.min(500, d.waitMs - (Date.now() - started)));
      continue;
    }
    // A run that has its advisory lock but not yet its row (they are moments apart): wait for the row, so the refusal can name the holder.
    if (!holder && Date.now() - started < d.graceMs) {
      await sleep(100);
      continue;
    }
    return { held: false, holder };
  }
}

/**
 * Held: renewed every quarter of its expiry until released; lost when its session ends, a renewal
 * finds another holder, or no renewal has been confirmed for half the expiry. The last matters when
 * the network drops the packets without a reset: the server ends the silent session at the expiry
 * and another run may take the lock then, while a query here would only time out after a minute — so
 * the holder stops itself first, and never writes while another holds the lock.
 */
function hold(session: pg.Client, d: LeaseData): void {
  let done = false;
  let renewed = Date.now();
  let sent = renewed;
  let renewing: Promise<unknown> | undefined;
  /** Closes the session at once (the server then drops the advisory lock): a graceful end waits for a database that may never answer. */
  const cut = () => session.connection.stream.destroy();
  const lost = (reason: string) => {
    if (done) return;
    done = true;
    clearInterval(timer);
    post({ kind: 'lost', reason });
    cut();
    parentPort!.close();
  };
  session.on('error', (error: Error) => lost(error.message));
  session.on('end', () => lost('its session ended'));
  const every = Math.max(250, Math.floor(d.expiryMs / 4));
  const timer = setInterval(() => {
    const silent = Date.now() - renewed;
    if (silent > d.expiryMs / 2) return lost(`the database confirmed no renewal for ${Math.round(silent / 1000)} s`);
    if (renewing || Date.now() - sent < every) return;
    const at = (sent = Date.now());
    renewing = within(session, `UPDATE ${d.s}.locks SET expires = now() + $1 * interval '1 millisecond' WHERE resource = $2 AND token = $3`, [d.expiryMs, d.resource, d.token], Math.floor(d.expiryMs / 2))
      .then((r) => (r.rowCount === 0 ? lost('another run holds it now') : (renewed = at)))
      .catch((error: unknown) => lost(error instanceof Error ? error.message : String(error)))
      .finally(() => (renewing = undefined));
  }, Math.max(125, Math.floor(d.expiryMs / 8)));

  parentPort!.once('message', async () => {
    if (done) return;
    done = true;
    clearInterval(timer);
    // Tidy up (the row, the advisory lock) when the database answers promptly; ending the session frees the lock anyway.
    const quick = Math.min(5_000, Math.floor(d.expiryMs / 2));
    const answered = async (work: Promise<unknown>) => {
      let timeout: NodeJS.Timeout | undefined;
      const ok = await Promise.race([work.then(() => true, () => false), new Promise<false>((resolve) => (timeout = setTimeout(() => resolve(false), quick)))]);
      clearTimeout(timeout);
      return ok;
    };
    const tidy =
      (!renewing || (await answered(renewing))) &&
      (await answered(within(session, `DELETE FROM ${d.s}.locks WHERE resource = $1 AND token = $2`, [d.resource, d.token], quick))) &&
      (await answered(within(session, 'SELECT pg_advisory_unlock($1, $2)', [d.space, d.key], quick)));
    if (tidy) await session.end().catch(() => undefined);
    else cut();
    post({ kind: 'released' });
    parentPort!.close();
  });
}

/** Connects, takes the lock and writes its row, then holds it (or says why not) — all on this thread. */
async function lease(d: LeaseData): Promise<void> {
  const ssl = d.client.ssl && d.skipHostCheck ? { ...(d.client.ssl as object), checkServerIdentity: () => undefined } : d.client.ssl;
  const session = new pg.Client({ ...d.client, ssl });
  session.on('error', () => undefined); // until held: a failure surfaces as the query's
  try {
    await session.connect();
    // Ended by the server after lockExpiry of silence (PostgreSQL 14 and later): a frozen holder's lock lapses by itself.
    await session.query(`SET idle_session_timeout = ${d.expiryMs}`).catch(() => undefined);
    await session.query(`SET idle_in_transaction_session_timeout = ${d.expiryMs}`);
    const taken = await take(session, d);
    if (!taken.held) {
      await session.end().catch(() => undefined);
      post({ kind: 'busy', holder: taken.holder });
      parentPort!.close();
      return;
    }
    await session.query(
      `INSERT INTO ${d.s}.locks (resource, label, what, pid, host, started, expires, backend, token)
       VALUES ($1, $2, $3, $4, $5, now(), now() + $6 * interval '1 millisecond', pg_backend_pid(), $7)
       ON CONFLICT (resource) DO UPDATE SET label = EXCLUDED.label, what = EXCLUDED.what, pid = EXCLUDED.pid, host = EXCLUDED.host,
         started = EXCLUDED.started, expires = EXCLUDED.expires, backend = EXCLUDED.backend, token = EXCLUDED.token`,
      [d.resource, d.label, d.what, d.pid, d.host, d.expiryMs, d.token],
    );
  } catch (error) {
    await session.end().catch(() => undefined);
    const e = error as { message?: string; code?: string; errors?: Array<{ message?: string }> };
    post({ kind: 'error', error: { message: e?.message ?? String(error), ...(e?.code ? { code: String(e.code) } : {}), ...(e?.errors ? { errors: e.errors.map((x) => ({ message: x?.message ?? '' })) } : {}) } });
    parentPort!.close();
    return;
  }
  session.removeAllListeners('error');
  hold(session, d);
  post({ kind: 'held' });
}

if (parentPort && (workerData as { lease?: LeaseData } | undefined)?.lease) void lease((workerData as { lease: LeaseData }).lease);
