import { dirname } from 'node:path';
import type { Dispatcher } from 'undici';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import type { ConnectorDefinition } from '../connectors/types.js';
import type { OnNewHrId } from '../core/plan/plan.js';
import type { StateStore, Connection } from '../core/ports.js';
import { genericRules } from '../core/rules/generic.js';
import type { RuleBook } from '../core/rules/types.js';
import { outputFailed, UsageError } from '../errors.js';
import { closest } from '../shared/closest.js';
import { calendarSettings, type CalendarSettings } from './calendar-settings.js';
import { policySettings } from './target-policy.js';
import type { PolicyOptions } from '../core/plan/plan.js';
import { createTarget } from './create-target.js';

// The connectors, the state store and the proxy settings load only when a run needs them: a
// `validate --target generic` needs none of them (start-up is part of issue 11's goals).
const registry = () => import('../connectors/registry.js');

/** What validate opens (offline): the rules, and the live target whose records references are checked against. */
export interface OpenedRules {
  /** The live target; undefined for rules alone (generic, or a platform type with no target). */
  target: Connection | undefined;
  /** The rules that apply to its input; undefined for a source, which takes no input. */
  rules: RuleBook | undefined;
  /** Its connector, for what it is (a target or a source). */
  connector: ConnectorDefinition | undefined;
  /** One line to tell the user when the choice was made for them (the embedded sandbox). */
  note: string | undefined;
  /** The in-process sandbox: a throwaway local emulation, not anyone's real data. */
  embedded: boolean;
  /** The project folder: the config's, else the working folder. Runs' results (.hrsync/runs) live there. */
  home: string;
  /** The config's phoneRegion: where phone numbers without a prefix are from, when a row has no country. */
  phoneRegion?: string;
  /** When the target's people are made and ended: the config's time zone, days and deactivation brake. */
  calendar?: CalendarSettings;
  /** The target's policy in the config: scope, fields it owns, protected accounts, run mode. */
  policy?: PolicyOptions;
  close(): Promise<void>;
}

/** What a run that may write opens: the rules and target, and the project's state. */
export interface OpenedTarget extends OpenedRules {
  /** What a run that writes locks: the target's identity, or the embedded sandbox's state file. */
  lockKey: string | undefined;
  /**
   * What hrsync keeps between runs (bookmarks, last-sent fingerprints, locks, run history): the config's
   * `state` backend — `.hrsync/state` in `home` unless it names PostgreSQL. Connected on first use.
   */
  state: StateStore;
  /** The target's onNewHrId: adopt a row's new HR id on the account its other keys find (default: a conflict). */
  onNewHrId?: OnNewHrId;
}

export interface OpenOptions {
  /** --config, else HRSYNC_CONFIG, else the nearest hrsync.config.{json,yaml,yml} in `cwd` or above. */
  config?: string | undefined;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Tests: every connection through this dispatcher. */
  dispatcher?: Dispatcher;
  /** HRSYNC_DEBUG=http: a redacted line per request. */
  trace?: (line: string) => void;
  /** The user stopped the run: reads in flight are cut (an export's Ctrl-C). */
  signal?: AbortSignal;
  /** --concurrency: the target's connection pool is sized to it (over the config's `concurrency`). */
  concurrency?: number;
  /**
   * Never start the embedded sandbox (validate: no server, no file written): where it would be the
   * target, its platform's rules apply offline instead. No state store is opened.
   */
  offline?: boolean;
}

export type { TargetHooks } from './create-target.js';

/** Which target or rule set a run uses (see openTarget). */
type Choice =
  | { kind: 'configured'; name: string }
  /** fallback: nothing is configured, so the embedded sandbox (or offline, its rules) stands in. */
  | { kind: 'sandbox'; fallback: boolean }
  | { kind: 'rules'; rules: RuleBook; connector: ConnectorDefinition | undefined };

async function choose(name: string | undefined, loaded: LoadedConfig | undefined, offline = false): Promise<Choice> {
  if (name !== undefined) {
    if (loaded && Object.hasOwn(loaded.config.targets, name)) return { kind: 'configured', name };
    if (name === 'sandbox') return { kind: 'sandbox', fallback: false };
    if (name === 'generic') return { kind: 'rules', rules: { name, entities: genericRules }, connector: undefined };
    const { connectorFor, rulesNamed, RULE_SET_NAMES, CONNECTOR_TYPES } = await registry();
    const rules = rulesNamed(name);
    if (rules) return { kind: 'rules', rules, connector: connectorFor(name) };
    if (connectorFor(name))
      throw new UsageError(
        `no target named "${name}" is configured, and ${name} is a read-only source with no rules of its own to validate against`,
        `to read from it, configure a target of type ${name} in hrsync.config.json; to validate, use the rules of the platform you import into: ${RULE_SET_NAMES.join(', ')}`,
      );
    throw unknown(name, loaded, offline ? RULE_SET_NAMES : [], CONNECTOR_TYPES);
  }
  if (loaded) {
    const names = Object.keys(loaded.config.targets);
    const chosen = loaded.config.defaultTarget ?? (names.length === 1 ? names[0] : undefined);
    if (names.length === 0) throw new UsageError(`${loaded.path} configures no target`, 'add one under "targets" (hrsync config schema shows how), or pass --target sandbox');
    if (!chosen) throw new UsageError(`${loaded.path} has several targets and no defaultTarget`, `pass --target ${names.join(' | ')}`);
    return { kind: 'configured', name: chosen };
  }
  return { kind: 'sandbox', fallback: true };
}

/**
 * What --target NAME means, in order: a target in the config; "generic" (rules only, no target);
 * "sandbox" (the embedded sandbox); a platform type with no such target configured (its rules only).
 * With no --target: the config's defaultTarget (or its only target); with no config at all, the
 * embedded sandbox, started in-process with its state in the user's cache folder (offline: its
 * platform's rules only, and no state store).
 */
export async function openTarget(name: string | undefined, options: OpenOptions & { offline: true }): Promise<OpenedRules>;
export async function openTarget(name: string | undefined, options: OpenOptions): Promise<OpenedTarget>;
export async function openTarget(name: string | undefined, options: OpenOptions): Promise<OpenedRules | OpenedTarget> {
  const loaded = await loadConfig(options.config, options.cwd, options.env);
  const opened = await open(name, options, loaded);
  const policy = policySettings(loaded?.config, opened.target?.name);
  return Object.assign(opened, { calendar: calendarSettings(loaded?.config, opened.target?.name) }, policy ? { policy } : {});
}

async function open(name: string | undefined, options: OpenOptions, loaded: LoadedConfig | undefined): Promise<OpenedRules | OpenedTarget> {
  const home = loaded ? dirname(loaded.path) : options.cwd;
  const choice = await choose(name, loaded, options.offline === true);
  const phoneRegion = loaded?.config.phoneRegion ? { phoneRegion: loaded.config.phoneRegion.toUpperCase() } : {};
  const rulesOnly = (rules: RuleBook, connector: ConnectorDefinition | undefined, note?: string): OpenedRules => ({ target: undefined, rules, connector, note, embedded: false, home, close: async () => {} });
  if (options.offline) {
    if (choice.kind === 'rules') return rulesOnly(choice.rules, choice.connector);
    if (choice.kind === 'sandbox') {
      const { EMBEDDED_TYPE, connectorFor, rulesNamed } = await registry();
      return rulesOnly(rulesNamed(EMBEDDED_TYPE)!, connectorFor(EMBEDDED_TYPE), `${choice.fallback ? 'no hrsync.config.json here or above: ' : ''}checked offline against the ${EMBEDDED_TYPE} rules (validate starts no sandbox); references to records outside these files are not checked`);
    }
    const { target, connector } = await createTarget(choice.name, loaded!.config.targets[choice.name]!, { ...options, home });
    return { target, rules: (await registry()).rulesNamed(connector.type), connector, note: undefined, embedded: false, home, ...phoneRegion, close: () => target.close() };
  }
  const state = (await import('./state-store.js')).stateStore(loaded?.config.state, home, options.env);
  if (choice.kind === 'rules') return { ...rulesOnly(choice.rules, choice.connector), lockKey: undefined, state, close: () => state.close() };
  if (choice.kind === 'sandbox') {
    const note = choice.fallback ? `no hrsync.config.json here or above: using the embedded sandbox (${(await registry()).EMBEDDED_TYPE} emulation, state in ${(await import('./cache-folder.js')).embeddedStateFile(home, options.env)}); nothing real is changed` : undefined;
    return embedded(options, home, state, note);
  }
  let opened: { target: Connection; connector: ConnectorDefinition };
  try {
    opened = await createTarget(choice.name, loaded!.config.targets[choice.name]!, { ...options, home });
  } catch (error) {
    await state.close();
    throw error;
  }
  return { ...live(opened, home, state, (await registry()).rulesNamed(opened.connector.type)), ...phoneRegion, ...identitySettings(loaded!.config.targets[choice.name]!) };
}

/** A target's own say on who a row is (its config entry's onNewHrId). */
function identitySettings(entry: Record<string, unknown>): Pick<OpenedTarget, 'onNewHrId'> {
  return entry.onNewHrId === 'adopt' || entry.onNewHrId === 'conflict' ? { onNewHrId: entry.onNewHrId } : {};
}

function live({ target, connector }: { target: Connection; connector: ConnectorDefinition }, home: string, state: StateStore, rules: RuleBook | undefined): OpenedTarget {
  return {
    target, rules, connector, note: undefined, embedded: false, lockKey: target.identity, home, state,
    async close() {
      try {
        await target.close();
      } finally {
        await state.close();
      }
    },
  };
}

/**
 * `ruleSets`: the rule sets this command takes as a target (validate's: it checks offline); a command
 * that writes takes none, so a typo of a platform's name says how to configure one rather than
 * suggesting a name it would refuse.
 */
function unknown(name: string, loaded: LoadedConfig | undefined, ruleSets: readonly string[], types: readonly string[]): UsageError {
  const configured = loaded ? Object.keys(loaded.config.targets) : [];
  // A typo of a configured name first (it is what --target usually names), then of a platform's.
  const near = closest(name, configured) ?? closest(name, ['sandbox', ...ruleSets]);
  const platform = near ? undefined : closest(name, types);
  const accepted = `targets: ${[...configured, 'sandbox', ...ruleSets].join(', ')}${loaded ? '' : ' (no hrsync.config.json found)'}`;
  if (platform)
    return new UsageError(`unknown target "${name}": no target of that name is configured (did you mean the platform "${platform}"?)`, `to use ${platform}, configure a target of type "${platform}" in hrsync.config.json (docs/guides/configuration.md), or try it with --target sandbox; ${accepted}`);
  return new UsageError(`unknown target "${name}"${near ? `: did you mean "${near}"?` : ''}`, accepted);
}

async function embedded(options: OpenOptions, home: string, state: StateStore, note: string | undefined): Promise<OpenedTarget> {
  const { EMBEDDED_TYPE, rulesNamed } = await registry();
  const dataFile = (await import('./cache-folder.js')).embeddedStateFile(home, options.env);
  // The emulator loads only when it runs: validate (offline) and a configured target never load it.
  const { startEmbedded } = await import('./embedded-sandbox.js');
  const running = await startEmbedded({ dataFile });
  const { target, connector } = await running.open(EMBEDDED_TYPE, 'sandbox', { ...(options.trace ? { trace: options.trace } : {}), ...(options.signal ? { signal: options.signal } : {}), ...(options.concurrency ? { concurrency: options.concurrency } : {}) });
  // Its account is its state file, not the free port it got this time: a plan saved against it applies later.
  Object.defineProperty(target, 'identity', { value: `${EMBEDDED_TYPE} embedded sandbox ${dataFile}` });
  return {
    target,
    rules: rulesNamed(connector.type),
    connector,
    note,
    embedded: true,
    lockKey: `sandbox ${dataFile}`,
    home,
    state,
    async close() {
      await target.close();
      await state.close();
      await running.stop().catch((error: unknown) => {
        throw outputFailed('the embedded sandbox’s state', dataFile, error, 'what was applied to the sandbox in this run may be lost from it');
      });
    },
  };
}
