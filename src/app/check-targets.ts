import { loadConfig } from '../config/load.js';
import { connectorFor, EMBEDDED_TYPE } from '../connectors/registry.js';
import { RemoteError, UsageError } from '../errors.js';
import { redact } from '../http/redact.js';
import { embeddedStateFile } from './cache-folder.js';
import { openTarget, type OpenOptions } from './open-target.js';

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
    targets: Object.entries(loaded.config.targets).map(([name, entry]) => {
      const connector = connectorFor(entry.type)!;
      return { name, type: entry.type, default: loaded.config.defaultTarget === name || names.length === 1, where: redact(connector.where(connector.configSchema.parse(entry))) };
    }),
  };
}

export interface CheckResult {
  name: string;
  ok: boolean;
  /** Records per entity; null where the platform cannot list. */
  counts: Record<string, number | null>;
  error: string | null;
  /** The failure is the configuration's (a variable not set, a rule set named), not the target's. */
  misconfigured: boolean;
}

/** `hrsync targets check [NAME]`: signs in to each target, and counts what each entity holds where it can list. */
export async function checkTargets(name: string | undefined, options: OpenOptions): Promise<CheckResult[]> {
  const loaded = await loadConfig(options.config, options.cwd, options.env);
  const names = name ? [name] : loaded ? Object.keys(loaded.config.targets) : ['sandbox'];
  const results: CheckResult[] = [];
  for (const n of names) {
    const result: CheckResult = { name: n, ok: true, counts: {}, error: null, misconfigured: false };
    results.push(result);
    // One target's misconfiguration (an environment variable not set) does not stop the others' check.
    let opened;
    try {
      opened = await openTarget(n, options);
      if (!opened.target) throw new UsageError(`"${n}" is a rule set, not a configured target`);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      await opened?.close();
      Object.assign(result, { ok: false, misconfigured: true, error: error.message + (error.hint ? ` (${error.hint})` : '') });
      continue;
    }
    try {
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
      if (!(error instanceof RemoteError)) throw error;
      result.ok = false;
      result.error = error.message + (error.hint ? ` (${error.hint})` : '');
    } finally {
      await opened.close();
    }
  }
  return results;
}
