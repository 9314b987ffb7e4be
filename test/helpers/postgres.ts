import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.js';

/**
 * A real PostgreSQL server for the tests of the `postgres` state backend: Debian's `postgresql`
 * package (`.ci/run` installs it when it is missing and we are root), started as a throwaway cluster
 * on a free loopback port the first time a test file asks for it, and shared by every such file of the
 * run: each test gets a schema (or a database) of its own. As root the server runs as the `postgres`
 * user (it refuses root). The global setup stops it and removes its folder when the run ends; a
 * watchdog does the same if the test process dies first.
 */

/** The server's bin folder: the newest /usr/lib/postgresql/<version>/bin that has postgres, or $POSTGRES_BIN. */
function findBin(): string | undefined {
  if (process.env.POSTGRES_BIN) return process.env.POSTGRES_BIN;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : undefined;
}

export const POSTGRES_BIN = findBin();
const ROOT_USER = process.getuid?.() === 0;
/** The uid and gid of the `postgres` user, when we are root and it exists. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (!ROOT_USER) return undefined;
  try {
    return { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()) };
  } catch {
    return undefined;
  }
}
const RUN_AS = postgresUser();
export const POSTGRES_AVAILABLE = Boolean(POSTGRES_BIN) && (!ROOT_USER || RUN_AS !== undefined);
// In CI as root, .ci/run installs PostgreSQL: a state test that skips there would hide a broken backend.
const MUST_RUN = Boolean(process.env.CI) && ROOT_USER;
/** The edit loop's tier (npm run test:fast) leaves the real PostgreSQL out: npm test and CI run it. */
const FAST_TIER = process.env.HRSYNC_TEST_TIER === 'fast';
export const POSTGRES_SKIPPED = FAST_TIER || (!POSTGRES_AVAILABLE && !MUST_RUN);
export const SKIP_MESSAGE = FAST_TIER
  ? 'skipped in npm run test:fast: the PostgreSQL state backend runs in npm test'
  : 'skipped: the PostgreSQL state backend tests need Debian’s postgresql (apt-get install postgresql, or set POSTGRES_BIN to its bin folder)';

/** The role the tests connect as: not a superuser, and a password with characters a URL must escape. */
export const TEST_USER = 'hrsync_test';
export const TEST_DATABASE = 'hrsync_test';
/** A role that may connect over TLS only (pg_hba: hostssl, and hostnossl reject). */
export const TLS_USER = 'hrsync_tls';

export interface Cluster {
  host: '127.0.0.1';
  port: number;
  /** The test role's password (it has @, /, %, a space and a colon: the URL carries it percent-encoded). */
  password: string;
  /** The CA that signed the server's certificate (PEM file), when openssl made one; TLS is then on. */
  caFile: string | undefined;
  dir: string;
  /** postgres://hrsync_test:<password>@127.0.0.1:<port>/hrsync_test, and any query string. */
  url(options?: { user?: string; password?: string | null; database?: string; query?: string; port?: number }): string;
  /** Runs SQL as the cluster's superuser. */
  admin<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<pg.QueryResult<T>>;
}

interface ClusterFile {
  dir: string;
  port: number;
  adminPassword: string;
  password: string;
  caFile?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The run's folder (the global setup's), where the cluster is announced to every test file of the run. */
function runRoot(): string {
  return process.env.HRSYNC_TEST_ROOT ?? tmpdir();
}

/** Runs one of the server's programs, as the `postgres` user when we are root. */
function runTool(name: string, args: string[], cwd: string): string {
  const tool = join(POSTGRES_BIN!, name);
  const [file, argv] = RUN_AS ? ['setpriv', [`--reuid=${RUN_AS.uid}`, `--regid=${RUN_AS.gid}`, '--init-groups', '--', tool, ...args]] : [tool, args];
  return execFileSync(file, argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
}

function own(path: string): void {
  if (RUN_AS) chownSync(path, RUN_AS.uid, RUN_AS.gid);
}

/** A CA and a server certificate for 127.0.0.1 (openssl), so TLS can be tested for real; undefined without openssl. */
function certificates(dir: string): { caFile: string; certFile: string; keyFile: string; otherCaFile: string } | undefined {
  const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  try {
    const ca = (name: string) => ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`]);
    ca('hrsync-test-ca');
    ca('another-ca');
    ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr']);
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    ssl(['x509', '-req', '-in', 'server.csr', '-CA', 'hrsync-test-ca.pem', '-CAkey', 'hrsync-test-ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.pem']);
  } catch {
    return undefined;
  }
  for (const f of ['server.key', 'server.pem']) {
    chmodSync(join(dir, f), 0o600);
    own(join(dir, f));
  }
  for (const f of ['hrsync-test-ca.pem', 'another-ca.pem']) chmodSync(join(dir, f), 0o644);
  return { caFile: join(dir, 'hrsync-test-ca.pem'), certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key'), otherCaFile: join(dir, 'another-ca.pem') };
}

/** Creates the cluster, starts it on a free port, and makes the test roles and database. */
async function startCluster(): Promise<ClusterFile> {
  const dir = mkdtempSync(join(tmpdir(), 'hrsync-pg-'));
  chmodSync(dir, 0o700);
  own(dir);
  const adminPassword = `admin-${Math.random().toString(36).slice(2)}`;
  const password = `p@ss w/rd:${Math.random().toString(36).slice(2, 8)}%`;
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${adminPassword}\n`, { mode: 0o600 });
  own(pwfile);
  runTool('initdb', ['-D', join(dir, 'data'), '-U', 'hrsync_admin', `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '-E', 'UTF8', '--locale=C', '--no-instructions'], dir);
  rmSync(pwfile);
  const tls = certificates(dir);
  // The TLS-only role first: pg_hba is read top down.
  const hba = join(dir, 'data', 'pg_hba.conf');
  writeFileSync(hba, `hostnossl all ${TLS_USER} 127.0.0.1/32 reject\n${readFileSync(hba, 'utf8')}`);
  // A throwaway server: no durability, a quick shutdown; the watchdog and the global setup stop it.
  const settings = [
    '-c listen_addresses=127.0.0.1', `-k ${dir}`, '-c fsync=off', '-c full_page_writes=off', '-c synchronous_commit=off', '-c max_connections=200', '-c shared_buffers=32MB',
    ...(tls ? ['-c ssl=on', `-c ssl_cert_file=${tls.certFile}`, `-c ssl_key_file=${tls.keyFile}`] : []),
  ];
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      runTool('pg_ctl', ['start', '-D', join(dir, 'data'), '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', `-p ${port} ${settings.join(' ')}`], dir);
      break;
    } catch (error) {
      if (attempt >= 3) throw new Error(`PostgreSQL did not start: ${String(error)}\n${existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8').slice(-2000) : ''}`);
    }
  }
  watchdog(dir);
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'hrsync_admin', password: adminPassword, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${TEST_USER} LOGIN PASSWORD '${password.replace(/'/g, "''")}'`);
    await admin.query(`CREATE DATABASE ${TEST_DATABASE} OWNER ${TEST_USER}`);
    await admin.query(`CREATE ROLE ${TLS_USER} LOGIN PASSWORD '${password.replace(/'/g, "''")}'`);
    await admin.query(`GRANT ALL ON DATABASE ${TEST_DATABASE} TO ${TLS_USER}`);
  } finally {
    await admin.end();
  }
  return { dir, port, adminPassword, password, ...(tls ? { caFile: tls.caFile } : {}) };
}

/** If the test process dies without its teardown (a kill, a crash), the cluster goes with it within a second or two. */
function watchdog(dir: string): void {
  const pidFile = join(dir, 'data', 'postmaster.pid');
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; if [ -f '${pidFile}' ]; then kill -QUIT "$(head -1 '${pidFile}')" 2>/dev/null; sleep 2; fi; rm -rf '${dir}'`;
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}

/** Stops a cluster this run started (the global setup's teardown) and removes its folder. */
export function stopCluster(root: string): void {
  const announced = join(root, 'postgres-cluster.json');
  if (!existsSync(announced)) return;
  const cluster = JSON.parse(readFileSync(announced, 'utf8')) as ClusterFile;
  try {
    runTool('pg_ctl', ['stop', '-D', join(cluster.dir, 'data'), '-m', 'immediate', '-w', '-t', '20'], cluster.dir);
  } catch {
    // already stopped (the watchdog, or by hand)
  }
  rmSync(cluster.dir, { recursive: true, force: true });
}

let mine: Promise<ClusterFile> | undefined;

/**
 * The run's cluster: started by the first test file that asks (the others wait for its announcement
 * in the run's folder), so one server serves the whole run.
 */
async function clusterFile(): Promise<ClusterFile> {
  const root = runRoot();
  const announced = join(root, 'postgres-cluster.json');
  const claim = join(root, 'postgres-cluster.claim');
  try {
    mkdirSync(claim);
  } catch {
    for (let waited = 0; waited < 120_000; waited += 100) {
      if (existsSync(announced)) return JSON.parse(readFileSync(announced, 'utf8')) as ClusterFile;
      if (existsSync(join(claim, 'failed'))) throw new Error(`the shared PostgreSQL cluster did not start: ${readFileSync(join(claim, 'failed'), 'utf8')}`);
      await sleep(100);
    }
    throw new Error('the shared PostgreSQL cluster did not start within 120 s');
  }
  try {
    const cluster = await startCluster();
    writeFileSync(`${announced}.new`, JSON.stringify(cluster));
    renameSync(`${announced}.new`, announced);
    return cluster;
  } catch (error) {
    writeFileSync(join(claim, 'failed'), String(error));
    throw error;
  }
}

/** The shared cluster, for this test file. */
export async function postgresCluster(): Promise<Cluster> {
  if (!POSTGRES_AVAILABLE) throw new Error(`PostgreSQL was not found (${SKIP_MESSAGE}); in CI as root, .ci/run installs it with apt-get`);
  const file = await (mine ??= clusterFile());
  return {
    host: '127.0.0.1',
    port: file.port,
    password: file.password,
    caFile: file.caFile,
    dir: file.dir,
    url({ user = TEST_USER, password = file.password, database = TEST_DATABASE, query, port = file.port } = {}) {
      const auth = password === null ? encodeURIComponent(user) : `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
      return `postgres://${auth}@127.0.0.1:${port}/${database}${query ? `?${query}` : ''}`;
    },
    async admin(sql, values) {
      const client = new pg.Client({ host: '127.0.0.1', port: file.port, user: 'hrsync_admin', password: file.adminPassword, database: TEST_DATABASE });
      await client.connect();
      try {
        return await client.query(sql, values);
      } finally {
        await client.end();
      }
    },
  };
}

let schemas = 0;
/** A schema name no other test of the run uses. */
export function freshSchema(): string {
  // Worker threads share a pid: the time, a counter and a random part keep two files' names apart.
  return `t${Date.now().toString(36)}_${++schemas}_${Math.random().toString(36).slice(2, 8)}`;
}
