import type { FieldValue } from '../../core/model/canonical.js';
import { quote } from '../../core/model/issues.js';
import type { Plan, PolicyDecision } from '../../core/plan/plan.js';
import { cellText } from '../../io/cells.js';
import { formatCount } from '../terminal.js';

/** The kinds of policy decision, in the order the plan shows them, and how each is labelled and counted. */
export const DECISION_KINDS = [
  { kind: 'scope', label: 'out of scope', counted: ['row out of scope', 'rows out of scope'] },
  { kind: 'protected', label: 'protected', counted: ['protected account kept', 'protected accounts kept'] },
  { kind: 'owned', label: 'owned', counted: ['owned field not sent', 'owned fields not sent'] },
  { kind: 'mode', label: 'mode', counted: ['write left out by the mode', 'writes left out by the mode'] },
] as const;

const show = (v: FieldValue | null | undefined) => (v === null || v === undefined || v === '' ? '(blank)' : quote(cellText(v)));

const NOT: Record<PolicyDecision['not'], string> = { create: 'not created', update: 'not updated', deactivate: 'not deactivated', delete: 'not deleted', downgrade: 'not downgraded', send: 'not sent' };

/**
 * A policy decision in words, for the text plan and the HTML report alike: "out of scope (department
 * "Finance"): not updated", "protected (email=admin@acme.com): not deactivated", "jobTitle differs
 * ("Senior clerk" → "Clerk") but is owned by the target: not sent".
 */
export function policyText(d: PolicyDecision, target: string): string {
  switch (d.kind) {
    case 'scope':
      return `out of scope (${d.field} ${show(d.value)} is not in ${target}’s scope): ${NOT[d.not]}${d.onTarget ? ', its account left as it is' : ''}`;
    case 'protected': {
      const by = `protected (${d.by})`;
      return d.not === 'downgrade' ? `${by}: not downgraded — ${d.field} ${show(d.from)} → ${show(d.to)} not sent` : `${by}: ${NOT[d.not]}`;
    }
    case 'owned': {
      if (d.not === 'create') return `${d.field} ${show(d.to)} is owned by ${target}: not sent when the account is made`;
      const owner = d.owner === 'target' ? `owned by ${target}` : 'create-only (sent when the account was made)';
      return `${d.field} differs (${show(d.from)} on ${target}, ${show(d.to)} in the input) but is ${owner}: not sent`;
    }
    case 'mode':
      return `${NOT[d.not]}: the run’s mode leaves ${d.not === 'create' ? 'creates' : d.not === 'update' ? 'updates' : 'deactivations and deletes'} out`;
  }
}

/** "3 rows out of scope, 1 protected account kept" for the summary line; empty without decisions. */
export function policyCounts(plan: Plan): string[] {
  const decisions = plan.decisions ?? [];
  const out: string[] = [];
  for (const { kind, counted } of DECISION_KINDS) {
    const n = kind === 'protected' ? new Set(decisions.filter((d) => d.kind === kind).map((d) => d.key)).size : decisions.filter((d) => d.kind === kind).length;
    if (n) out.push(`${formatCount(n)} ${counted[n === 1 ? 0 : 1]}`);
  }
  return out;
}
