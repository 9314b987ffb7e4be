import type { Config } from '../config/schema.js';
import { fieldDef } from '../core/model/fields.js';
import type { PolicyOptions, RunMode } from '../core/plan/plan.js';
import { UsageError } from '../errors.js';

/** A target's entry as the config's schema checked it: its policy keys (see connectors/config-schema's policyOptions). */
interface PolicyConfig {
  scope?: Record<string, string[]>;
  outOfScope?: 'keep' | 'missing';
  targetOwned?: string[];
  createOnly?: string[];
  mode?: RunMode[];
  protected?: { keys?: string[]; roles?: Record<string, string[]> };
}

/** Each field a policy names must be a users field (or a custom one): a typo would silently scope or protect nobody. */
function checkFields(fields: readonly string[], where: string): void {
  for (const field of fields)
    if (!fieldDef('users', field)) throw new UsageError(`${where} names "${field}", which is no field of users`, 'run `hrsync fields users` for the field names');
}

/** The policy of target `name` in the config (undefined: none set, or no such target). */
export function policySettings(config: Config | undefined, name: string | undefined): PolicyOptions | undefined {
  if (name === undefined || !config || !Object.hasOwn(config.targets, name)) return undefined;
  const own = config.targets[name] as PolicyConfig;
  const at = (key: string) => `the config’s targets.${name}.${key}`;
  const keys = (own.protected?.keys ?? []).map((spec) => ({ field: spec.slice(0, spec.indexOf('=')).trim(), value: spec.slice(spec.indexOf('=') + 1).trim() }));
  checkFields(Object.keys(own.scope ?? {}), at('scope'));
  checkFields(own.targetOwned ?? [], at('targetOwned'));
  checkFields(own.createOnly ?? [], at('createOnly'));
  checkFields([...keys.map((k) => k.field), ...Object.keys(own.protected?.roles ?? {})], at('protected'));
  const policy: PolicyOptions = {
    ...(own.scope ? { scope: own.scope } : {}),
    ...(own.outOfScope ? { outOfScope: own.outOfScope } : {}),
    ...(own.targetOwned ? { targetOwned: own.targetOwned } : {}),
    ...(own.createOnly ? { createOnly: own.createOnly } : {}),
    ...(own.mode ? { modes: own.mode } : {}),
    ...(own.protected ? { protect: { keys, ...(own.protected.roles ? { roles: own.protected.roles } : {}) } } : {}),
  };
  return Object.keys(policy).length ? policy : undefined;
}

/**
 * The policy of a run: the config's, narrowed by --where (each field's values; a field the config
 * scopes too must match both) and with --mode in place of the config's mode.
 */
export function runPolicy(configured: PolicyOptions | undefined, where: Readonly<Record<string, readonly string[]>> | undefined, modes: readonly RunMode[] | undefined): PolicyOptions | undefined {
  checkFields(Object.keys(where ?? {}), '--where');
  const scope: Record<string, readonly string[]> = { ...configured?.scope };
  const fold = (v: string) => v.trim().toLowerCase();
  for (const [field, values] of Object.entries(where ?? {})) scope[field] = scope[field] ? values.filter((v) => scope[field]!.some((c) => fold(c) === fold(v))) : values;
  const policy: PolicyOptions = { ...configured, ...(Object.keys(scope).length ? { scope } : {}), ...(modes ? { modes } : {}) };
  return Object.keys(policy).length ? policy : undefined;
}
