import { loadConfig } from '../config/load.js';
import { connectorFor, EMBEDDED_TYPE } from '../connectors/registry.js';
import { HrsyncError, Interrupted, UsageError } from '../errors.js';
import { redact } from '../http/redact.js';
import { embeddedStateFile } from './cache-folder.js';
import { openTarget, type OpenedTarget, type OpenOptions } from './open-target.js';

export interface TargetListing {
  /** The config file, or null when there is none (the embedded sandbox). */
  config: string | null;
  targets: Array<{ name: string; type: string; default: boolean; where: string }>;
}

/** `hrsync targets`: the configured targets, or the embedded sandbox when there is no config. */
export async function listTargets(options: OpenOptions): Promise<TargetListing> {
  const loaded = await loadConfig(options.config, options.cwd, options.env);
  if (!loaded) return { config: null, targets: [{ name: 'sandbox', type: EMBEDDED_TYPE, default: true, where: `embedded (in-process), state in ${embeddedStateFile(options.cwd, options.env)}` }] };
  const names = Object.keys(loaded.config.targets);
  return {
    config: loaded.path,
    targets: await Promise.all(
      Object.entries(loaded.config.targets).map(async ([name, entry]) => {
        const connector = connectorFor(entry.type)!;
        return { name, type: entry.type, default: loaded.config.defaultTarget === name || names.length === 1, where: redact(connector.where((await connector.configSchema()).parse(entry))) };
      }),
    ),
  };
}

export interface CheckResult {
  name: string;
  /** The platform, or null when the name is not a configured target. */
  type: string | null;
  ok: boolean;
  /** Records per entity; null where the platform cannot list. */
  counts: Record<string, number | null>;
  error: string | null;
  /** The failure is the configuration's (a variable not set, a rule set named), not the target's. */
  misconfigured: boolean;
  /** The failure is hrsync's own (a bug), not the target's. */
  internal: boolean;
  /** How long the check took. */
  ms: number;
}

/**
 * `hrsync targets check [NAME]`: signs in to each target, and counts what each entity holds where it
 * can list. Every target is checked, at the same time, and each gets its own result, whatever
 * happens to the others: a variable not set is that target's misconfiguration, a refusal or an
 * unreachable host its failure, and even a bug in one connector is that target's result — only
 * Ctrl-C ends the run. Results in the config's order.
 */
export async function checkTargets(name: string | undefined, options: OpenOptions): Promise<CheckResult[]> {
  const loaded = await loadConfig(options.config, options.cwd, options.env);
  const names = name ? [name] : loaded ? Object.keys(loaded.config.targets) : ['sandbox'];
  const typeOf = (n: string) => (loaded && Object.hasOwn(loaded.config.targets, n) ? loaded.config.targets[n]!.type : n === 'sandbox' ? EMBEDDED_TYPE : null);
  return Promise.all(names.map((n) => checkOne(n, typeOf(n), options)));
}

async function checkOne(name: string, type: string | null, options: OpenOptions): Promise<CheckResult> {
  const started = performance.now();
  const result: CheckResult = { name, type, ok: true, counts: {}, error: null, misconfigured: false, internal: false, ms: 0 };
  const fail = (error: unknown, how: Partial<CheckResult> = {}) => {
    const hint = error instanceof HrsyncError && error.hint ? ` (${error.hint})` : '';
    Object.assign(result, { ok: false, error: `${error instanceof Error ? error.message : String(error)}${hint}`, ...how });
  };
  let opened: OpenedTarget | undefined;
  try {
    opened = await openTarget(name, options);
    if (!opened.target) throw new UsageError(`"${name}" is a rule set, not a configured target`);
    const target = opened.target;
    for (const entity of target.entities) {
      if (!target.can.list) {
        result.counts[entity] = null;
        continue;
      }
      const counted = await target.count?.(entity);
      if (counted !== undefined) result.counts[entity] = counted;
      else {
        let total = 0;
        for await (const page of target.list(entity)) total += page.length;
        result.counts[entity] = total;
      }
    }
    if (!target.can.list && target.check) await target.check();
  } catch (error) {
    if (error instanceof Interrupted) throw error;
    if (error instanceof UsageError) fail(error, { misconfigured: true });
    else if (error instanceof HrsyncError) fail(error);
    else fail(`internal error: ${error instanceof Error ? error.message : String(error)} (a bug in hrsync)`, { internal: true });
  } finally {
    await opened?.close().catch((error: unknown) => (result.ok ? fail(error) : undefined));
  }
  result.ms = Math.round(performance.now() - started);
  return result;
}
