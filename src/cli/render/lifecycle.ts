import type { LifecycleDecision, Plan } from '../../core/plan/plan.js';

/**
 * The plan's lifecycle decisions in words, for the text plan and the HTML report alike: a joiner
 * waiting (until when), a leaver since when and what was done about them.
 */
export function decisionText(d: LifecycleDecision, target: string): string {
  if (d.kind === 'joiner') {
    const starts = `starts ${d.date} (${d.timeZone})`;
    if (d.outcome === 'waiting') return `waiting until ${d.createAtLocal}: ${starts}, not created before then`;
    return `${starts}, already on ${target}: ${d.outcome === 'update' ? 'updated as usual' : 'unchanged'}; its account would be made from ${d.createAtLocal}`;
  }
  const since = `leaver since ${d.leftAtLocal} (last day ${d.date})`;
  const later = d.deleteAtLocal ? `; deleted from ${d.deleteAtLocal} (deleteDaysAfter)` : '';
  switch (d.outcome) {
    case 'deactivate':
      return `${since}: deactivated${later}`;
    case 'delete':
      return `${since}: deleted (deleteDaysAfter ran out at ${d.deleteAtLocal})`;
    case 'deactivated':
      return `${since}: already deactivated${later}`;
    case 'absent':
      return `${since}: not on ${target}, so not created`;
    default:
      return `${since}: ${target} has no soft delete for ${d.entity}, so it is left as it is${later || ' (deleteDaysAfter in the config deletes such accounts)'}`;
  }
}

/** "2 joiners waiting, 3 leavers" for the summary line; empty without decisions. */
export function lifecycleCounts(plan: Plan): string[] {
  const decisions = plan.lifecycle ?? [];
  const waiting = decisions.filter((d) => d.outcome === 'waiting').length;
  const leavers = decisions.filter((d) => d.kind === 'leaver').length;
  return [...(waiting ? [`${waiting} ${waiting === 1 ? 'joiner' : 'joiners'} waiting`] : []), ...(leavers ? [`${leavers} ${leavers === 1 ? 'leaver' : 'leavers'}`] : [])];
}

/** Whether the plan was made for another moment than when it was made (--as-of): then it is said. */
export function plannedAsOf(plan: Plan): string | undefined {
  if (!plan.asOf) return undefined;
  return Math.abs(Date.parse(plan.asOf) - Date.parse(plan.createdAt)) > 60_000 ? plan.asOf : undefined;
}
