import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { connectorFor, EMBEDDED_TYPE } from '../connectors/registry.js';
import type { ConnectorDefinition } from '../connectors/types.js';
import type { CanonicalRecord, CanonicalValues } from '../core/model/canonical.js';
import { DEPENDENCY_ORDER, type Entity } from '../core/model/entities.js';
import type { Connection } from '../core/ports.js';
import { validateFiles } from '../core/validate/validate-files.js';
import { UsageError } from '../errors.js';
import { sandboxClients, startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/server.js';
import { packageRoot } from '../shared/package-root.js';
import { createTarget, type TargetHooks } from './create-target.js';

/** The samples folder shipped with hrsync: the default seed. */
export const SAMPLES_DIR = join(packageRoot(), 'samples');
/** With the default seed, this many of samples/users.csv already exist, so an import shows updates and creates. */
const DEFAULT_SEEDED_USERS = 5;

export interface SeededSandboxOptions extends Omit<SandboxOptions, 'seed'> {
  /** A folder of CSV/JSON users, companies and groups; default: hrsync's samples. */
  seedDir?: string;
}

/** A running sandbox, and hrsync's own connectors pointed at it. */
export interface RunningSandbox {
  sandbox: Sandbox;
  /** A connector of this type on the sandbox, named `name` in messages. */
  open(type: string, name?: string, hooks?: TargetHooks): Promise<{ target: Connection; connector: ConnectorDefinition }>;
  stop(): Promise<void>;
}

/** Starts the emulator seeded through hrsync's own validation and connectors (see `seeder`). */
export async function startEmbedded(options: SeededSandboxOptions = {}): Promise<RunningSandbox> {
  const { seedDir, ...rest } = options;
  const sandbox = await startSandbox({ port: 0, ...rest, seed: seeder(seedDir) });
  return { sandbox, open: (type, name = 'sandbox', hooks) => openOnSandbox(sandbox, type, name, hooks), stop: () => sandbox.stop() };
}

/** hrsync's connector of a type, configured for the sandbox's emulation of that platform. */
export function openOnSandbox(sandbox: Sandbox, type: string, name = 'sandbox', hooks: TargetHooks = {}): Promise<{ target: Connection; connector: ConnectorDefinition }> {
  const client = sandboxClients(sandbox).find((c) => c.config.type === type);
  if (!client) throw new UsageError(`the sandbox does not emulate ${type}`);
  return createTarget(name, client.config, { env: client.env, ...hooks });
}

async function seedFiles(dir: string | undefined): Promise<string[]> {
  if (!dir) return ['groups.csv', 'companies.csv', 'users.csv'].map((f) => join(SAMPLES_DIR, f));
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw new UsageError(`the seed folder ${dir} cannot be read`);
  }
  // A seed folder: every data file but hrsync's own config.
  return names.filter((f) => /\.(csv|json|ndjson|jsonl)$/i.test(f) && !/^hrsync\./i.test(f)).sort().map((f) => join(dir, f));
}

/**
 * Fills a fresh sandbox the way a user would: the seed files (default: the samples' groups and
 * companies and 5 of their 20 users) are checked and normalised by hrsync's own validation with each
 * platform's rules, then written through hrsync's own connector for that platform. The seed must be
 * valid for the embedded default platform; other platforms get the records valid for them. A source
 * (read only) keeps the emulator's own data.
 */
export function seeder(dir?: string): (sandbox: Sandbox, platforms: readonly string[]) => Promise<void> {
  return async (sandbox, platforms) => {
    const files = await seedFiles(dir);
    for (const client of sandboxClients(sandbox).filter((c) => platforms.includes(c.platform))) {
      const connector = connectorFor(client.config.type);
      if (!connector || connector.role !== 'target') continue;
      const report = await validateFiles(files, { rules: { name: connector.type, entities: connector.rules }, keepRecords: true });
      if (!report.ok && connector.type === EMBEDDED_TYPE) {
        const first = report.issues.find((i) => i.severity === 'error')!;
        throw new UsageError(`the seed in ${dir ?? SAMPLES_DIR} is not valid for ${connector.type}: ${first.file}:${first.line}: ${first.message}`);
      }
      const records = (report.records ?? []).filter((r) => connector.rules[r.entity]);
      const users = records.filter((r) => r.entity === 'users');
      const chosen = dir ? records : [...records.filter((r) => r.entity !== 'users'), ...users.slice(0, DEFAULT_SEEDED_USERS)];
      const { target } = await createTarget('sandbox', client.config, { env: client.env });
      try {
        await writeAll(target, connector, chosen);
      } finally {
        await target.close();
        report.closeRecords?.(); // a seed of more rows than are held in memory: its temporary file
      }
    }
  };
}

/**
 * Creates records in dependency order. A reference to an entity created later (a company's main
 * contact, who is a user) is left out of the create and set by an update once everything exists.
 */
async function writeAll(target: Connection, connector: ConnectorDefinition, records: CanonicalRecord[]): Promise<void> {
  const writer = target.writer!;
  const later: Array<{ entity: Entity; id: string; values: CanonicalValues }> = [];
  for (const entity of DEPENDENCY_ORDER) {
    const rules = connector.rules[entity];
    // Records a platform keeps itself (delegates, awards) are never created: a seed folder's are left out.
    if (!rules || writer.updatesOnly?.(entity)) continue;
    const readOnly = new Set(writer.readOnly(entity));
    const forward = Object.entries(rules.fields).filter(([, rule]) => rule.ref && DEPENDENCY_ORDER.indexOf(rule.ref.entity) > DEPENDENCY_ORDER.indexOf(entity)).map(([field]) => field);
    for (const record of records.filter((r) => r.entity === entity)) {
      const values: CanonicalValues = {};
      for (const [field, value] of Object.entries(record.values)) if (value !== null && !readOnly.has(field) && !forward.includes(field)) values[field] = value;
      const { id } = await writer.write({ action: 'create', entity, values });
      const deferred = Object.fromEntries(forward.filter((f) => record.values[f] !== null && record.values[f] !== undefined).map((f) => [f, record.values[f]!]));
      if (Object.keys(deferred).length) later.push({ entity, id, values: deferred });
    }
  }
  for (const { entity, id, values } of later) await writer.write({ action: 'update', entity, id, values });
}
