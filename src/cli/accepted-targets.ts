import { loadConfig } from '../config/load.js';
import { connectorFor, EMBEDDED_TYPE, RULE_SET_NAMES } from '../connectors/registry.js';
import type { Io } from './terminal.js';

/** The commands that take --target (or, for --from, a source): each accepts its own kind of name. */
export type TargetTaking = 'validate' | 'import' | 'export' | 'from';

export interface AcceptedTargets {
  /** Every name the option accepts, configured ones first. */
  names: string[];
  /** The --target help: what it accepts, by name, and its default. */
  help: string;
}

/**
 * What `--target` (or `--from`) of a command accepts, from the config when there is one (read only
 * here: a config that cannot be read is said when the command runs, not in its help):
 * export — every configured target and "sandbox"; import — the configured ones it can write to and
 * "sandbox"; validate — those, and the rule sets (generic and each platform's); --from — every
 * configured target (a source, or a target that lists).
 */
export async function acceptedTargets(which: TargetTaking, io: Pick<Io, 'cwd' | 'env'>, config: string | undefined): Promise<AcceptedTargets> {
  let targets: Array<{ name: string; writable: boolean }> = [];
  let defaultName: string | undefined;
  try {
    const loaded = await loadConfig(config, io.cwd, io.env);
    if (loaded) {
      targets = Object.entries(loaded.config.targets).map(([name, entry]) => ({ name, writable: connectorFor(entry.type)?.role === 'target' }));
      defaultName = loaded.config.defaultTarget ?? (targets.length === 1 ? targets[0]!.name : undefined);
    }
  } catch {
    // the command itself says what is wrong with the config
  }
  const configured = targets.filter((t) => which === 'export' || which === 'from' || t.writable).map((t) => t.name);
  const quoted = (names: readonly string[]) => names.join(', ');
  const fromConfig = configured.length ? `a configured target (${quoted(configured)})` : 'a configured target (none here)';
  const fallback = which === 'validate' ? `the ${EMBEDDED_TYPE} rules, offline` : 'the embedded sandbox';
  const byDefault = `default: ${defaultName && configured.includes(defaultName) ? defaultName : defaultName ? 'the config’s defaultTarget' : `the config’s defaultTarget, else ${fallback}`}`;
  if (which === 'from') return { names: configured, help: `read the users from ${fromConfig.replace('a configured target', 'a configured source or listable target')} instead of files` };
  if (which === 'validate')
    return {
      names: unique([...configured, 'sandbox', ...RULE_SET_NAMES]),
      help: `${fromConfig}, "sandbox", or rules only: ${quoted(RULE_SET_NAMES)} (${byDefault})`,
    };
  const what = which === 'import' ? fromConfig.replace('a configured target', 'a configured target hrsync writes to') : fromConfig;
  return { names: unique([...configured, 'sandbox']), help: `${what} or "sandbox", the embedded emulation (${byDefault})` };
}

const unique = (names: string[]) => [...new Set(names)];
