import { join } from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { UsageError } from '../errors.js';
import { startSandbox } from '../sandbox/server.js';
import { AccessplanitTarget } from '../connectors/accessplanit/target.js';
import { createTarget, type CreateOptions } from './create-target.js';
import { RULE_TARGETS } from '../connectors/registry.js';
import type { Target, TargetType } from '../core/ports.js';

export const EMBEDDED_STATE = join('.hrsync', 'sandbox.json');

export interface OpenedTarget {
  /** The live target; undefined for rules alone (generic, or a platform type with no target). */
  target: Target | undefined;
  /** Whose field rules apply. */
  rules: string;
  /** One line to tell the user when the choice was made for them (the embedded sandbox). */
  note: string | undefined;
  /** The in-process sandbox: a throwaway local emulation, not anyone's real data. */
  embedded: boolean;
  close(): Promise<void>;
}

export interface OpenOptions extends CreateOptions {
  config?: string;
  cwd?: string;
}

/**
 * What --target NAME means, in order: a target in the config; "generic" (rules only, no target);
 * "sandbox" (the embedded sandbox); a platform type with no such target configured (its rules only).
 * With no --target: the config's defaultTarget (or its only target); with no config at all, the
 * embedded sandbox's accessplanit, started in-process with its state in .hrsync/sandbox.json.
 */
export async function openTarget(name: string | undefined, options: OpenOptions): Promise<OpenedTarget> {
  const cwd = options.cwd ?? process.cwd();
  const loaded = await loadConfig(options.config, cwd);
  const configured = (n: string) => live(createTarget(n, loaded!.config.targets[n]!, options));
  if (name !== undefined) {
    if (loaded && name in loaded.config.targets) return configured(name);
    if (name === 'generic') return rulesOnly('generic');
    if (name === 'sandbox') return embedded(cwd, undefined);
    if (RULE_TARGETS.includes(name)) return rulesOnly(name);
    throw unknown(name, loaded);
  }
  if (loaded) {
    const names = Object.keys(loaded.config.targets);
    const chosen = loaded.config.defaultTarget ?? (names.length === 1 ? names[0] : undefined);
    if (!chosen) throw new UsageError(`${loaded.path} has several targets and no defaultTarget`, `pass --target ${names.join(' | ')}`);
    return configured(chosen);
  }
  return embedded(cwd, `no hrsync.config.json here: using the embedded sandbox (accessplanit emulation, state in ${EMBEDDED_STATE})`);
}

function live(target: Target): OpenedTarget {
  return { target, rules: target.type, note: undefined, embedded: false, close: () => target.close() };
}

function rulesOnly(rules: string): OpenedTarget {
  return { target: undefined, rules, note: undefined, embedded: false, close: async () => {} };
}

function unknown(name: string, loaded: LoadedConfig | undefined): UsageError {
  const configured = loaded ? Object.keys(loaded.config.targets) : [];
  return new UsageError(
    `unknown target "${name}"`,
    `targets: ${[...configured, 'sandbox', ...RULE_TARGETS].join(', ')}${loaded ? '' : ' (no hrsync.config.json found)'}`,
  );
}

async function embedded(cwd: string, note: string | undefined): Promise<OpenedTarget> {
  const sandbox = await startSandbox({ port: 0, dataFile: join(cwd, EMBEDDED_STATE) });
  const target = new AccessplanitTarget({ name: 'sandbox', baseUrl: sandbox.urls.accessplanit, apiKey: sandbox.credentials.accessplanit.apiKey });
  return {
    target,
    rules: 'accessplanit' satisfies TargetType,
    note,
    embedded: true,
    async close() {
      await target.close();
      await sandbox.stop();
    },
  };
}
