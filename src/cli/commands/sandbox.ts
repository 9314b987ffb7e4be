import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { embeddedStateFile } from '../../app/cache-folder.js';
import { startEmbedded } from '../../app/embedded-sandbox.js';
import { ExitCode, UsageError } from '../../errors.js';
import { parseFault, parseLatency, type FaultRates } from '../../sandbox/faults.js';
import { describeSandbox, sandboxClients, type SandboxOptions } from '../../sandbox/server.js';
import { loadConfig } from '../../config/load.js';
import type { SandboxFlags } from '../options.js';
import { printable } from '../printable.js';
import { colourFor, type Io } from '../terminal.js';

/** Flags → sandbox options; every mistake is a usage error (exit 64). The platforms read their own credential flags. */
export function sandboxOptions(flags: SandboxFlags, cwd: string, env: NodeJS.ProcessEnv = {}): SandboxOptions & { seedDir?: string } {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not "${flags.port}"`);
  const faults: FaultRates = {};
  let slowCommitMs: number | undefined;
  for (const spec of flags.fault) {
    const [kind, rate, delay] = parseFault(spec);
    faults[kind] = rate;
    if (delay !== undefined) slowCommitMs = delay;
  }
  const options: SandboxOptions & { seedDir?: string } = { host: flags.host, port, dataFile: flags.data !== undefined ? resolve(cwd, flags.data) : embeddedStateFile(cwd, env), faults, flags, ...(slowCommitMs !== undefined ? { slowCommitMs } : {}) };
  if (flags.seed) options.seedDir = resolve(cwd, flags.seed);
  if (flags.latency) options.latency = parseLatency(flags.latency);
  if (flags.rateLimit?.trim().toLowerCase() === 'off') {
    // Every emulated limit lifted, the platforms' own included (an hourly quota): an emulator that can
    // host the rehearsal of a million-person import, or a benchmark.
    options.unlimited = true;
  } else if (flags.rateLimit) {
    const m = /^(\d+)\s*\/\s*s$/.exec(flags.rateLimit.trim());
    if (!m || Number(m[1]) < 1) throw new UsageError(`bad --rate-limit "${flags.rateLimit}"`, 'use requests per second, e.g. 50/s, or off (no limit at all, the platforms\' own lifted too)');
    options.rateLimitPerSecond = Number(m[1]);
  }
  if (flags.apiKey) options.apiKey = flags.apiKey;
  return options;
}

/** Runs until Ctrl-C (or SIGTERM), then stops cleanly: in-flight answers finish, state is written. */
export async function sandboxCommand(flags: SandboxFlags, io: Io): Promise<number> {
  const options = sandboxOptions(flags, io.cwd, io.env);
  const c = colourFor(io.stderr, io.env);
  if (flags.seed && options.dataFile && existsSync(options.dataFile))
    io.stderr.write(c.yellow(`note: ${options.dataFile} exists, so the sandbox starts from it and --seed is not used (delete it to seed again)\n`));
  let running;
  try {
    running = await startEmbedded(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${flags.port} on ${flags.host} is already in use`, 'pass --port 0 for a free one');
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EACCES' || code === 'ERR_SOCKET_BAD_PORT')
      throw new UsageError(`cannot listen on ${flags.host} port ${flags.port} (${code})`, 'pass --host with an address of this machine, e.g. 127.0.0.1');
    throw error;
  }
  // Listening before the banner: whoever starts it may stop it the moment it reads the banner, and
  // a signal with no handler yet would end the process without writing its state.
  const stopped = new Promise<void>((done) => {
    io.signals.once('SIGINT', done);
    io.signals.once('SIGTERM', done);
  });
  io.stdout.write(`${describeSandbox(running.sandbox)}\n`);
  const clients = sandboxClients(running.sandbox);
  io.stdout.write(`\nin hrsync.config.json, to use this sandbox:\n${clients.map((client) => `  ${client.platform.padEnd(12)}  ${JSON.stringify(urlFields(client.config), null, 1).replace(/\n */g, ' ').slice(2, -2)}`).join('\n')}\n`);
  for (const note of await configNotes(clients, flags.host, io)) io.stderr.write(`${note.ok ? c.dim(note.text) : c.yellow(note.text)}\n`);
  io.stderr.write(c.dim(`state: ${options.dataFile}; Ctrl-C to stop\n`));
  await stopped;
  await running.stop();
  io.stderr.write(c.dim('sandbox stopped\n'));
  return ExitCode.ok;
}

/** A client config's base URLs, where they sit: `{"baseUrl": …}`, or `{"sites": {"default": {"baseUrl": …}}}`. */
function urlFields(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'baseUrl' && typeof value === 'string') out[key] = value;
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      const inner = urlFields(value as Record<string, unknown>);
      if (Object.keys(inner).length) out[key] = inner;
    }
  }
  return out;
}

/** Every base URL in a config entry, by its path: [["baseUrl", url]] or [["sites.default.baseUrl", url]]. */
function baseUrls(entry: unknown, path = ''): Array<[string, string]> {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return [];
  return Object.entries(entry).flatMap(([key, value]): Array<[string, string]> =>
    key === 'baseUrl' && typeof value === 'string' ? [[`${path}${key}`, value]] : baseUrls(value, `${path}${key}.`));
}

const LOCAL = new Set(['127.0.0.1', 'localhost', '[::1]', '0.0.0.0']);

/**
 * The config of this folder (as every command finds it), held against this sandbox: each target of an
 * emulated platform whose base URL is on this machine either points here, or is told the URL it wants
 * (another port: the sandbox that config was written for, e.g. --port 4010). Targets elsewhere are the
 * real platforms: not named. A config that cannot be read is said once; the sandbox runs all the same.
 */
async function configNotes(clients: ReturnType<typeof sandboxClients>, host: string, io: Io): Promise<Array<{ ok: boolean; text: string }>> {
  let loaded;
  try {
    loaded = await loadConfig(undefined, io.cwd, io.env);
  } catch (error) {
    return [{ ok: false, text: `note: the config here cannot be read, so it is not compared with this sandbox (${error instanceof Error ? error.message : String(error)})` }];
  }
  if (!loaded) return [];
  const notes: Array<{ ok: boolean; text: string }> = [];
  // The ports of the targets that only the port keeps from this sandbox: one port is one --port to start with.
  const ports = new Set<string>();
  let others = 0;
  for (const [name, entry] of Object.entries(loaded.config.targets)) {
    const wanted = baseUrls(clients.find((c) => c.config.type === entry.type)?.config)[0]?.[1];
    if (!wanted) continue;
    for (const [path, url] of baseUrls(entry)) {
      const given = URL.canParse(url) ? new URL(url) : undefined;
      if (!given || !(LOCAL.has(given.hostname) || given.hostname === host)) continue;
      const key = `targets.${printable(name, true)}.${path}`;
      if (url.replace(/\/+$/, '') === wanted) notes.push({ ok: true, text: `  ${key} points at this sandbox` });
      else {
        notes.push({ ok: false, text: `  ${key} is ${printable(url, true)}: set it to ${wanted}` });
        if (given.port && given.pathname.replace(/\/+$/, '') === new URL(wanted).pathname.replace(/\/+$/, '')) ports.add(given.port);
        else others++;
      }
    }
  }
  if (notes.length === 0) return [];
  const port = ports.size === 1 && others === 0 ? [{ ok: false, text: `  or start the sandbox with --port ${[...ports][0]!}` }] : [];
  return [{ ok: notes.every((n) => n.ok), text: `${printable(loaded.path, true)}, held against this sandbox:` }, ...notes, ...port];
}
