import type { Entity } from '../core/model/entities.js';
import type { RuleSet } from '../core/rules/types.js';
import { accessplanitRules } from './accessplanit/rules.js';
import { appenateUserRules } from './appenate/rules.js';
import { genericRules } from '../core/rules/generic.js';
import { springestUserRules } from './springest/rules.js';

/** Rule sets by target type and entity. A missing entity means the platform does not hold it. */
const RULES: Record<string, Partial<Record<Entity, RuleSet>>> = {
  generic: genericRules,
  accessplanit: accessplanitRules,
  appenate: { users: appenateUserRules },
  springest: { users: springestUserRules },
};

/** Target types whose rules `validate --target` can apply. Unified is a read-only source. */
export const RULE_TARGETS = Object.keys(RULES);

export function rulesFor(target: string, entity: Entity): RuleSet | undefined {
  return RULES[target]?.[entity];
}

export function entitiesOf(target: string): Entity[] {
  return Object.keys(RULES[target] ?? {}) as Entity[];
}
