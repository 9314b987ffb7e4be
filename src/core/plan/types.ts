import type { CanonicalRecord, CanonicalValues, FieldValue, RawValue } from '../model/canonical.js';
import type { Entity } from '../model/entities.js';
import type { WriteAction } from '../ports.js';
import type { PlanNote } from './notes.js';

export interface Change {
  field: string;
  from: FieldValue | null;
  to: FieldValue | null;
  /** Why, when the change is about who the person is (see ChangeReason); the CLI words it. */
  reason?: ChangeReason;
}

/** Why a change is planned, when it is about who the person is (issue 23 items 5 and 6). */
export type ChangeReason =
  /** The account was deactivated and its person is active in HR again: reactivated, never created anew. */
  | { code: 'rehire' }
  /** The account takes the row's new HR id (the target adopts such records); `by`: the key that found it ("email=…"). */
  | { code: 'adopted'; by: string }
  /** A match key of a person found by another key changes (an email change of a person matched by HR id); `by`: that key. */
  | { code: 'same_person'; by: string };

/**
 * What a conflict is about, where a person may act on it: `new_hr_id`, a row whose HR id is new but
 * whose other keys find an account with another HR id (a conversion, a rehire under a new id; the
 * target may adopt them); `key_taken`, keys of one row that find different records (a new email that
 * belongs to another account).
 */
export type ConflictCode = 'new_hr_id' | 'key_taken';

/** What a target does with a row whose HR id is new but whose other keys find an account with another HR id. */
export type OnNewHrId = 'conflict' | 'adopt';

export interface PlannedOp {
  action: WriteAction;
  entity: Entity;
  /** How a person finds the record: "externalId=E1001" or the target id. */
  key: string;
  /** The target's id (update, deactivate, delete). */
  id?: string;
  /** What to send: every field for a create, the changed ones for an update. */
  values?: CanonicalValues;
  changes?: Change[];
  /** The input row it comes from (creates and updates). */
  file?: string;
  line?: number;
  source?: Record<string, RawValue>;
  /** Fingerprint of the target record when planned (updates, deactivations, deletes). */
  fingerprint?: string;
  /** For a target that cannot be listed: the fingerprint of what is sent, kept once it succeeds. */
  sends?: string;
  /** Keys of operations of this plan that must have succeeded before this one is sent (its approvers' creates). */
  after?: string[];
  /** Field → the value as the input wrote it, where the mapping file's value lookup changed it. */
  mapped?: Record<string, string>;
  /**
   * Why a record is deactivated or deleted: missing from the input (--missing), a leaver (their end
   * date has passed), or an update whose HR status is the platform's disabled one. Each counts toward
   * the deactivation brake (--max-deactivations).
   */
  because?: 'missing' | 'leaver' | 'status';
}

export interface Conflict {
  entity: Entity;
  file: string;
  line: number;
  /** How a person finds the row: "externalId=E1001" (empty when it has no key). */
  key: string;
  message: string;
  /** The row as read, for failed.csv. */
  source?: Record<string, RawValue>;
  /** A key of the row finds two records or more on the target: a duplicate there, not in the input. */
  duplicateOnTarget?: boolean;
  /** What the conflict is about, where a person may act on it (see ConflictCode). */
  code?: ConflictCode;
}

export interface PlanSummary {
  create: number;
  update: number;
  deactivate: number;
  delete: number;
  unchanged: number;
  invalid: number;
  conflicts: number;
  /** Rows left out by --only or --limit. */
  skipped: number;
}

export interface Plan {
  version: 3;
  /** The target's label, and the name `hrsync apply` opens it by. */
  target: string;
  targetName: string;
  /** Which account it was made against (type and where): `hrsync apply` refuses another. */
  targetIdentity: string;
  createdAt: string;
  operations: PlannedOp[];
  conflicts: Conflict[];
  summary: PlanSummary;
  /** The same counts per entity in the input (invalid: the rows left out of that entity's files). */
  byEntity?: Partial<Record<Entity, PlanSummary>>;
  /** Notes a person should read, as data (the CLI words them): e.g. why missing records were not looked at. */
  notes: PlanNote[];
  /** The moment the plan was made for (ISO): --as-of, else when the run started. Its dates were read at it. */
  asOf?: string;
  /** Each joiner not yet due and each leaver, what the plan did about them and why (see LifecycleDecision). */
  lifecycle?: LifecycleDecision[];
  /** Each write left out by the target's policy (scope, field ownership, protection, run mode), and why. */
  decisions?: PolicyDecision[];
}

export type MissingPolicy = 'ignore' | 'deactivate' | 'delete';

/** A brake's limit: a count, or a fraction of the target's records of the entity. */
export type Limit = { count: number } | { fraction: number };

export interface PlanOptions {
  /** Ordered match keys, overriding the target's defaults. */
  match?: string[];
  missing: MissingPolicy;
  /** Most missing records acted on before the run stops: a count, or a fraction of the target's records. */
  maxMissing: Limit;
  /**
   * Most records of an entity deactivated or deleted for any reason (missing, leavers, a disabled HR
   * status) before the run stops (default: maxMissing).
   */
  maxDeactivations?: Limit;
  /** The run's clock and calendar: without it, start and end dates decide nothing (see LifecycleOptions). */
  lifecycle?: LifecycleOptions;
  /** The target's policy (config, --where, --mode): who is in, who owns which field, which accounts are protected. */
  policy?: PolicyOptions;
  blank: 'ignore' | 'clear';
  /** Only rows whose match key has one of these values. */
  only?: string[];
  /** At most this many creates and updates. */
  limit?: number;
  /** The input holds only what changed lately (--from … --since): missing records mean nothing. */
  incremental?: boolean;
  /** Rows left out of the plan because they are invalid. */
  invalid: number;
  /**
   * Rows read but left out (invalid, duplicates): still the people they name. A target record one of
   * their keys finds is neither written nor counted missing — an invalid row never gets its person
   * deactivated.
   */
  leftOut?: CanonicalRecord[];
  /** The fields the input's rows have (or more), per entity, when known: a plan then reads no row to learn them (issue 22 goal 4). */
  inputFields?: ReadonlyMap<Entity, ReadonlySet<string>>;
  /**
   * For a target that cannot be listed: record key → fingerprint of the last payload sent
   * successfully. Rows are compared with it instead of with the target's records.
   */
  synced?: Map<string, string>;
  /**
   * Entities whose current records were found by looking each input row up (a target that cannot
   * list them): what the input lacks cannot be known, so --missing does nothing for them.
   */
  lookedUp?: ReadonlySet<Entity>;
  /** Where phone numbers without a country prefix are from when a row names no country (ISO alpha-2). */
  phoneRegion?: string;
  /**
   * A row whose HR id is new but whose other keys find an account with another HR id: a conflict for
   * review (the default), or adopted (the account takes the new HR id). The target's config says which.
   */
  onNewHrId?: OnNewHrId;
}

/** The run's clock and the calendar settings a plan reads start and end dates with. */
export interface LifecycleOptions {
  /** The moment the plan is made for (--as-of; else when the run started, read once): every date decision uses it. */
  asOf: number;
  /** The zone of a row that names none (its timeZone): the target's, else the config's timeZone, else UTC. */
  timeZone: string;
  /** A joiner's account is made this many days before their start date (0: on the start day itself, local). */
  createDaysBefore: number;
  /** A leaver's deactivated account is deleted this many days after their end date; undefined: never. */
  deleteDaysAfter?: number;
}

/**
 * What the plan did about a person's dates, and why — for the plan's text, JSON and report to word:
 * joiner `waiting` (not on the target, made from `createAt`), `update`d or `unchanged` while waiting (already
 * there); leaver `deactivate`d or `delete`d (from `deleteAt`), already `deactivated`, `absent` (not on the
 * target: not created), or `cannot`: the platform has no soft delete (and no delete is due); `kept`: left as it is, protected or left out by the run's mode (see PolicyDecision).
 */
export type LifecycleOutcome = 'waiting' | 'update' | 'unchanged' | 'deactivate' | 'delete' | 'deactivated' | 'absent' | 'cannot' | 'kept';

export interface LifecycleDecision {
  entity: Entity;
  file: string;
  line: number;
  key: string;
  kind: 'joiner' | 'leaver';
  /** The start date (joiner) or the end date (leaver), a day in `timeZone`. */
  date: string;
  timeZone: string;
  outcome: LifecycleOutcome;
  /** Joiner: when the account is made (ISO), and that instant read in the person's zone. */
  createAt?: string;
  createAtLocal?: string;
  /** Leaver: when their last day ended (ISO), and in their zone. */
  leftAt?: string;
  leftAtLocal?: string;
  /** Leaver, with deleteDaysAfter: from when the account is deleted. */
  deleteAt?: string;
  deleteAtLocal?: string;
}

/** What a run may write (--mode, the target's mode): `deactivate` also covers deletes and an HR status that disables. */
export type RunMode = 'create' | 'update' | 'deactivate';

/** A target's policy: who is in, who owns which field, which accounts are never taken down, what a run may write. */
export interface PolicyOptions {
  /** users: field → values. A row is in scope when each field holds one of its values (compared ignoring case); others are neither created nor updated. */
  scope?: Readonly<Record<string, readonly string[]>>;
  /** A person whose row is out of scope: left alone and never counted missing (keep, the default), or treated as missing from the input (missing). */
  outOfScope?: 'keep' | 'missing';
  /** Fields the target owns: hrsync never sends them, not even when it makes the account. */
  targetOwned?: readonly string[];
  /** Fields sent when hrsync makes the account, never updated afterwards. */
  createOnly?: readonly string[];
  /** What the run may write; undefined: everything. */
  modes?: readonly RunMode[];
  /** users never deactivated, deleted or downgraded: by key (field=value), or by the values of a role field on the target. */
  protect?: { keys?: ReadonlyArray<{ field: string; value: string }>; roles?: Readonly<Record<string, readonly string[]>> };
}

/**
 * A write the plan left out because of the target's policy, and why — for the plan's text, JSON and
 * report to word: a row out of `scope`, a field `owned` by the target (or create-only), a `protected`
 * account, or a write the run's `mode` leaves out.
 */
export interface PolicyDecision {
  kind: 'scope' | 'owned' | 'protected' | 'mode';
  entity: Entity;
  key: string;
  file?: string;
  line?: number;
  /** What was not done: the write, `downgrade` (a protected account's role or status), `send` (an owned field). */
  not: WriteAction | 'downgrade' | 'send';
  /** scope: the field the row is out on; owned: the field not sent; protected downgrade: the field whose change is not sent. */
  field?: string;
  /** scope: the row's value. */
  value?: FieldValue | null;
  /** protected: what protects the account, as field=value (a key, or a role it holds on the target). */
  by?: string;
  /** owned: the target's value and the row's, not sent; protected downgrade: the change refused. */
  from?: FieldValue | null;
  to?: FieldValue | null;
  /** owned: who owns the field after the account is made. */
  owner?: 'target' | 'createOnly';
  /** scope: the row names a record on the target (left alone, never counted missing). */
  onTarget?: boolean;
}
