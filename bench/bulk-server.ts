import { startSandbox } from '../src/sandbox/server.js';

/** The SCIM emulator with /Bulk offered, in its own process for the benchmark (bulk.ts): `latencyMs` on every answer. */
const latencyMs = Number(process.argv[2] ?? 0);
const sandbox = await startSandbox({ port: 0, settings: { scim: { bulk: true } }, ...(latencyMs ? { latency: { ms: latencyMs, jitterMs: 0 } } : {}) });
process.stdout.write(`${sandbox.url}\n`);
process.on('SIGTERM', () => void sandbox.stop().then(() => process.exit(0)));
