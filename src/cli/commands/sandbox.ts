import { ExitCode, UsageError } from '../../errors.js';
import { parseFault, parseLatency, type FaultRates } from '../../sandbox/faults.js';
import { DEMO_CREDENTIALS, startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/server.js';
import { SeedError } from '../../app/sandbox-seed.js';
import { colourFor, type Io } from '../terminal.js';

export interface SandboxFlags {
  host: string;
  port: string;
  data: string;
  seed?: string;
  latency?: string;
  fault: string[];
  rateLimit?: string;
  springestSite: string[];
  apiKey?: string;
  user: string;
  password: string;
  companyId: string;
  connection: string;
}

/** Flags → startSandbox options; every mistake is a usage error (exit 64). */
export function sandboxOptions(flags: SandboxFlags): SandboxOptions {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not "${flags.port}"`);
  const faults: FaultRates = {};
  for (const spec of flags.fault) {
    const [kind, rate] = parseFault(spec);
    faults[kind] = rate;
  }
  const options: SandboxOptions = { host: flags.host, port, dataFile: flags.data, faults };
  if (flags.seed) options.seed = flags.seed;
  if (flags.latency) options.latency = parseLatency(flags.latency);
  if (flags.rateLimit) {
    const m = /^(\d+)\s*\/\s*s$/.exec(flags.rateLimit.trim());
    if (!m || Number(m[1]) < 1) throw new UsageError(`bad --rate-limit "${flags.rateLimit}"`, 'use requests per second, e.g. 50/s');
    options.rateLimitPerSecond = Number(m[1]);
  }
  const key = flags.apiKey;
  const sites: Record<string, string> = { default: key ?? DEMO_CREDENTIALS.springest.default! };
  for (const spec of flags.springestSite) {
    const [name, siteKey] = spec.split('=');
    if (!name || !siteKey) throw new UsageError(`bad --springest-site "${spec}"`, 'use NAME=KEY');
    sites[name] = siteKey;
  }
  options.credentials = {
    accessplanit: { userName: flags.user, password: flags.password, apiKey: key ?? DEMO_CREDENTIALS.accessplanit.apiKey },
    appenate: { companyId: flags.companyId, integrationKey: key ?? DEMO_CREDENTIALS.appenate.integrationKey },
    springest: sites,
    unified: { connectionId: flags.connection, apiKey: key ?? DEMO_CREDENTIALS.unified.apiKey },
  };
  return options;
}

/** What `hrsync sandbox` prints: where each platform is and how to sign in. Keys are demo values. */
export function describeSandbox(sandbox: Sandbox): string {
  const c = sandbox.credentials;
  return [
    `hrsync sandbox on ${sandbox.url}`,
    `  accessplanit  ${sandbox.urls.accessplanit}   user ${c.accessplanit.userName} / password ${c.accessplanit.password}, or API key ${c.accessplanit.apiKey}`,
    `  appenate      ${sandbox.urls.appenate}/user   CompanyId=${c.appenate.companyId} IntegrationKey=${c.appenate.integrationKey}`,
    `  springest     ${sandbox.urls.springest}/users.json   ${Object.entries(c.springest).map(([site, key]) => `site ${site}: api_key=${key}`).join(', ')}`,
    `  unified       ${sandbox.urls.unified}/hris/${c.unified.connectionId}/employee   Authorization: Bearer ${c.unified.apiKey}`,
    `  counters      GET ${sandbox.url}/_sandbox/stats   reset: POST ${sandbox.url}/_sandbox/reset`,
  ].join('\n');
}

/** Runs until Ctrl-C (or SIGTERM), then stops cleanly: in-flight answers finish, state is written. */
export async function sandboxCommand(flags: SandboxFlags, io: Io, signals: NodeJS.EventEmitter = process): Promise<number> {
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox(sandboxOptions(flags));
  } catch (error) {
    if (error instanceof SeedError) throw new UsageError(error.message);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`port ${flags.port} on ${flags.host} is already in use`, 'pass --port 0 for a free one');
    throw error;
  }
  const c = colourFor(io.stderr, io.env);
  io.stdout.write(`${describeSandbox(sandbox)}\n`);
  io.stderr.write(c.dim(`state: ${flags.data}; Ctrl-C to stop\n`));
  await new Promise<void>((resolve) => {
    signals.once('SIGINT', resolve);
    signals.once('SIGTERM', resolve);
  });
  await sandbox.stop();
  io.stderr.write(c.dim('sandbox stopped\n'));
  return ExitCode.ok;
}
