import { buildPlan } from '../src/core/plan/plan.js';
import { renderPlanText } from '../src/cli/render/plan.js';
import type { CanonicalRecord } from '../src/core/model/canonical.js';
import type { Connection } from '../src/core/ports.js';

/**
 * A first import's plan of 200,000 creates (BENCH_CREATES), in this process: the CPU of building it
 * and of printing it as text, side by side. Goal (issue #22): printing is under 10 % of the two.
 */
const N = Number(process.env.BENCH_CREATES ?? 200_000);
const wire = { externalId: 'ExternalID', firstName: 'Forenames', lastName: 'Surname', email: 'Email', jobTitle: 'JobTitle' };
const target = {
  name: 'bench', type: 'bench', label: 'bench "lms"', identity: 'bench', entities: ['users'], can: { list: true }, wire: { users: wire },
  writer: { matchKeys: () => ['externalId', 'email'], readOnly: () => [], deactivation: () => undefined, canDelete: () => false, lookup: async () => undefined, write: async () => ({ id: '' }) },
} as unknown as Connection;
const records: CanonicalRecord[] = Array.from({ length: N }, (_, i) => ({
  entity: 'users', file: 'users.csv', line: i + 2, source: {},
  values: { externalId: `E${i}`, firstName: `First${i}`, lastName: 'Last', email: `p${i}@example.com`, jobTitle: 'Clerk' },
}));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const plain = new Proxy({}, { get: () => (text: string) => text }) as Parameters<typeof renderPlanText>[1];
const t0 = cpu();
const plan = await buildPlan(target, records, { missing: 'ignore', maxMissing: { fraction: 0.1 }, blank: 'ignore', invalid: 0 }, new Map([['users', []]]));
const t1 = cpu();
const text = renderPlanText(plan, plain, false);
const t2 = cpu();
const share = (t2 - t1) / (t2 - t0);
process.stdout.write(
  `plan text: ${N.toLocaleString('en-US')} creates — plan ${(t1 - t0).toFixed(2)} s CPU, text ${(t2 - t1).toFixed(3)} s CPU (${text.split('\n').length} lines): ` +
    `printing is ${(share * 100).toFixed(1)} % of the two ${share < 0.1 ? '✔' : '✘'} (goal < 10 %)\n`,
);
