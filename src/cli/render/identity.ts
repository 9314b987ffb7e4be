import type { Change, ChangeReason, PlannedOp } from '../../core/plan/plan.js';

/**
 * Who a change is about, in words (issue 23 items 5 and 6): said beside the change in the plan's
 * text and its HTML report; --format json and the plan file keep the reason as data (`reason.code`).
 */
export function reasonText(reason: ChangeReason): string {
  switch (reason.code) {
    case 'rehire':
      return 'reactivated (rehire): deactivated on the target, active in HR again';
    case 'adopted':
      return `adopted: the account found by ${reason.by} takes the new HR id (onNewHrId: adopt)`;
    case 'same_person':
      return `same person: matched by ${reason.by}`;
  }
}

/** What an update's headline says of who it is about: "reactivated (rehire)", "HR id adopted". */
export function identityHeadline(op: Pick<PlannedOp, 'changes'>): string {
  const codes = new Set((op.changes ?? []).map((c: Change) => c.reason?.code));
  return [codes.has('rehire') ? 'reactivated (rehire)' : '', codes.has('adopted') ? 'HR id adopted' : ''].filter(Boolean).join(', ');
}
