import { SINGULAR } from '../../core/model/entities.js';
import type { Plan, PlanNote } from '../../core/plan/plan.js';

/**
 * A plan's note in words, naming the flags that set what it is about: text, --format json and the
 * plan `--out` writes all say the same. A string is a note worded already (a plan file read back).
 */
export function noteText(note: PlanNote | string): string {
  if (typeof note === 'string') return note;
  switch (note.code) {
    case 'missing_unlistable':
      return `${note.target} cannot be listed: records missing from the input cannot be found, so --missing ${note.missing} did nothing`;
    case 'missing_updates_only':
      return `--missing ${note.missing} did nothing to ${note.entity}: hrsync only updates them (it never creates, deactivates or deletes ${note.entity})`;
    case 'missing_looked_up':
      return `${note.target} cannot list ${note.entity}: each row was looked up, so records missing from the input cannot be found and --missing ${note.missing} did nothing`;
    case 'missing_partial':
      return `--missing ${note.missing} was not applied to ${note.entity}: with --only, --limit or --since the input is not the whole population`;
    case 'missing_cannot_delete':
      return `${note.target} cannot delete ${note.entity} through its API: missing ${note.entity} were left alone`;
    case 'missing_cannot_deactivate':
      return `${note.target} cannot deactivate ${note.entity}: missing ${note.entity} were left alone (use --missing delete to remove them)`;
    case 'blank_not_sent':
      return `${note.count} ${note.count === 1 ? 'record was' : 'records were'} last sent a ${note.field}, which the input now leaves blank or lacks: it is not sent, and what ${note.target} then does with the value it holds is not documented (it may keep or wipe it); --blank clear sends it empty on purpose`;
    case 'reference_unset':
      return `${note.count} ${note.entity} name a record that is neither on ${note.target} nor among this run's valid rows (a manager whose own row was left out, or who left): that reference is left as it is, not sent (the first: ${note.first.join('; ')}); fix the named record's row and run again`;
    case 'delete_blocked': {
      const one = note.count === 1;
      return `${SINGULAR[note.entity]} ${note.key} is not deleted: ${note.count} ${one ? SINGULAR[note.by] : note.by} still ${one ? 'refers' : 'refer'} to it (${note.first.join('; ')}${note.count > 3 ? '; …' : ''}), and the platform refuses to delete it while ${one ? 'it does' : 'they do'}`;
    }
    case 'reference_inactive':
      return `${note.count} ${note.count === 1 ? `${SINGULAR[note.entity]} names` : `${note.entity} name`} an approver or manager who is inactive on ${note.target} or made so by this run (the first: ${note.first.join('; ')}): the platform refuses an inactive one, so that reference is not sent; name an active one and run again`;
    case 'new_hr_id_review':
      return `${note.count} ${note.count === 1 ? SINGULAR[note.entity] : note.entity} ${note.count === 1 ? 'has' : 'have'} a new HR id on an account of ${note.target} that has another (a conversion, or a rehire under a new id): left for review, nothing written. Fix the HR id in the input, or, if such accounts should take the new HR id, set "onNewHrId": "adopt" on the target in the config`;
    case 'said':
      return note.text;
  }
}

/** A plan as JSON documents show it (--format json, the file --out writes): the same, its notes in words. */
export function planDocument<P extends Pick<Plan, 'notes'>>(plan: P): Omit<P, 'notes'> & { notes: string[] } {
  return { ...plan, notes: plan.notes.map(noteText) };
}
