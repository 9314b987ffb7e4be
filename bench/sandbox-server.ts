import { startEmbedded } from '../src/app/embedded-sandbox.js';

/** The sandbox in its own process for the benchmark, with `users` extra accessplanit users. */
const users = Number(process.argv[2] ?? 100_000);
const latencyMs = Number(process.argv[3] ?? 0);
const { sandbox } = await startEmbedded({ port: 0, settings: { accessplanit: { hourlyLimit: Infinity } }, ...(latencyMs ? { latency: { ms: latencyMs, jitterMs: 0 } } : {}) });
const table = sandbox.state().accessplanit.User;
for (let i = 0; i < users; i++)
  table.set(`u${i}`, { ID: `u${i}`, Forenames: `First${i}`, Surname: `Last${i}`, Email: `u${i}@example.co.uk`, MainCompanyID: 'ACME01', Status: i % 10 ? 'Enabled' : 'Disabled', ExternalID: `X${i}` });
process.stdout.write(`${sandbox.url}\n`);
process.on('SIGTERM', () => void sandbox.stop().then(() => process.exit(0)));
