import { genericRules } from '../core/rules/generic.js';
import type { RuleBook } from '../core/rules/types.js';
import { accessplanit } from './accessplanit/index.js';
import { appenate } from './appenate/index.js';
import { scim } from './scim/index.js';
import { springest } from './springest/index.js';
import type { ConnectorDefinition } from './types.js';
import { unified } from './unified/index.js';

/**
 * THE list of platforms hrsync speaks to. The config's target union, `hrsync config schema`, the rule
 * sets `validate --target` knows, `--target` help and connector creation all derive from it: a new
 * platform is its folder and one line here.
 */
export const CONNECTORS: readonly ConnectorDefinition[] = [accessplanit, appenate, springest, unified, scim] as readonly ConnectorDefinition<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- each is typed against its own config

/** The platform the embedded sandbox stands in for when nothing is configured. */
export const EMBEDDED_TYPE = 'accessplanit';

export const CONNECTOR_TYPES: readonly string[] = CONNECTORS.map((c) => c.type);

export function connectorFor(type: string): ConnectorDefinition | undefined {
  return CONNECTORS.find((c) => c.type === type);
}

export const RULE_SET_NAMES: readonly string[] = ['generic', ...CONNECTORS.filter((c) => c.role === 'target').map((c) => c.type)];

/** Rule sets by name: "generic" (no platform), or a platform hrsync writes to. */
export function rulesNamed(name: string): RuleBook | undefined {
  if (name === 'generic') return { name, entities: genericRules };
  const connector = connectorFor(name);
  return connector && connector.role === 'target' ? { name, entities: connector.rules } : undefined;
}
