import type { Entity } from '../model/entities.js';

/** What the missing policy asked for, when it could not be done. */
type Asked = 'deactivate' | 'delete';

/**
 * What a person should read about a plan, as data: the CLI words each (naming its own flags), so core
 * never names a flag. `said`: a line worded already — what a connector says creating records will do
 * (writer.describeCreates), or a note read back from a saved plan.
 */
export type PlanNote =
  /** The target cannot be listed at all: records missing from the input cannot be found. */
  | { code: 'missing_unlistable'; target: string; missing: Asked }
  /** hrsync only updates this entity: it never creates, deactivates or deletes them. */
  | { code: 'missing_updates_only'; entity: Entity; missing: Asked }
  /** The target cannot list this entity: each row was looked up instead. */
  | { code: 'missing_looked_up'; target: string; entity: Entity; missing: Asked }
  /** The input is not the whole population (only, limit, an incremental read). */
  | { code: 'missing_partial'; entity: Entity; missing: Asked }
  | { code: 'missing_cannot_delete'; target: string; entity: Entity }
  | { code: 'missing_cannot_deactivate'; target: string; entity: Entity }
  /** Records last sent a field the input now leaves blank or lacks (a target that cannot be listed): it is not sent. */
  | { code: 'blank_not_sent'; target: string; field: string; count: number }
  /** Rows naming a record that will not exist once the run is applied: that reference is not sent. `first`: the first three ("in.csv:4 names x@y"). */
  | { code: 'reference_unset'; target: string; entity: Entity; count: number; first: string[] }
  /** A delete the platform would refuse while records that stay refer to it. `first`: the first three of those. */
  | { code: 'delete_blocked'; entity: Entity; key: string; by: Entity; count: number; first: string[] }
  /** Rows naming a record that must be active (an approver) whom the input says is inactive: that reference is not sent. */
  | { code: 'reference_inactive'; target: string; entity: Entity; count: number; first: string[] }
  /** Rows whose HR id is new but whose other keys find an account with another HR id: conflicts left for review (the target does not adopt them). */
  | { code: 'new_hr_id_review'; target: string; entity: Entity; count: number }
  | { code: 'said'; text: string };
