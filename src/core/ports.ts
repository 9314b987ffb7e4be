import type { CanonicalValues, FieldValue } from './model/canonical.js';
import type { Entity } from './model/entities.js';

/** Which records to read: canonical field → accepted values (pushed down to the platform where it can filter). */
export interface ListQuery {
  filter?: Record<string, string[]>;
  /** Only records changed at or after this instant (an ISO date or date-time; where the platform can tell). */
  since?: string;
  /** Told what is worth a warning but not a stop (records that came twice, unchanged). */
  onNotice?: (message: string) => void;
}

/**
 * One platform account, as the core sees it: the port every connector implements — a connection,
 * whether the run writes to it (the target, `--target`) or reads from it (a source, `--from`). The core owns
 * diffing, ordering, concurrency, progress and reports; a connector owns only its wire format,
 * paging, auth and rules. Adding a platform is its folder under src/connectors/ and one line in
 * src/connectors/registry.ts.
 */
export interface Connection {
  /** The configured name ("lms"), or "sandbox" for the embedded one. */
  readonly name: string;
  /** The connector type ("accessplanit"). */
  readonly type: string;
  /** For messages: 'accessplanit "lms"'. */
  readonly label: string;
  /**
   * Which account this is, whatever it is called in the config: its type and where it is ("accessplanit
   * https://acme.accessplanit.com/accessplan/api/v2"). Runs lock on it; a saved plan is bound to it.
   */
  readonly identity: string;
  readonly entities: readonly Entity[];
  /**
   * `list`: every record can be read. `lookupRecords`: without a list, `writer.lookup` answers whole
   * records, so a plan can be made by looking each input row up (no missing records then).
   */
  readonly can: { list: boolean; lookupRecords?: boolean };
  /** Entities that hold the tenant's custom fields (`custom.<name>` in canonical records). */
  readonly customFields?: readonly Entity[];
  /** The tenant's custom fields of an entity, as canonical names (for export columns). */
  customFieldNames?(entity: Entity): Promise<string[]>;
  /** Canonical field → the platform's own name, per entity: the fields it holds, in its words. */
  readonly wire: Partial<Record<Entity, WireMap>>;
  /** Pages of canonical records; memory stays flat however many there are. */
  list(entity: Entity, query?: ListQuery): AsyncIterable<CanonicalValues[]>;
  /** How many records a list would return, when the platform says so cheaply. */
  count?(entity: Entity, query?: ListQuery): Promise<number | undefined>;
  /** For a target that cannot list: one cheap authenticated call, to prove the credentials work. */
  check?(): Promise<void>;
  close(): Promise<void>;
  /** Present on targets hrsync can write to. */
  readonly writer?: TargetWriter;
  /** How the connection paces its requests, when it does (a platform's documented limit, or the config's rateLimit). */
  readonly pacing?: Pacing | undefined;
}

/**
 * A connection's pacing: a token bucket per endpoint — `burst` requests at once, then `perSecond` on
 * average — and at most `concurrency` requests in flight. Read to say how long a run will take.
 */
export interface Pacing {
  perSecond: number;
  burst: number;
  concurrency: number;
  /** Requests sent before pacing holds them back now: the fewest tokens any endpoint's bucket has (`burst` before the first request). */
  available(): number;
  /** Requests waiting for the limit right now (0: pacing is not what holds the run back). */
  waiting(): number;
}

export type WriteAction = 'create' | 'update' | 'deactivate' | 'delete';

/**
 * One change to one record. `values` are canonical: all fields for a create, the changed ones for an
 * update; for a deactivate, the key the record is matched on (a platform that finds records by key,
 * not by id, needs it).
 */
export interface WriteOp {
  action: WriteAction;
  entity: Entity;
  /** The target's id of the record (update, deactivate, delete). */
  id?: string;
  values?: CanonicalValues;
}

/** A key a record is matched on: externalId, email, id … */
export interface MatchKey {
  field: string;
  value: string;
}

export interface TargetWriter {
  /**
   * Ordered keys to match input records on, per entity (the first that finds a record wins). A key
   * may be compound, its fields joined with "+" ("userId+courseDateId"): a row has it when it has every
   * part, and it finds the record whose parts all compare equal.
   */
  matchKeys(entity: Entity): readonly string[];
  /**
   * Records of this entity are only ever updated through hrsync (a delegate's status, an award's target
   * date): a row that finds none is a conflict, never a create, and --missing does nothing to them.
   */
  updatesOnly?(entity: Entity): boolean;
  /** Fields the platform computes: never diffed, never sent. */
  readOnly(entity: Entity): readonly string[];
  /** Options a create takes that the platform does not store (an invitation e-mail): sent on create, never diffed. */
  createOnly?(entity: Entity): readonly string[];
  /** What creating these records will also do (e-mails sent, licences taken): lines for the plan's notes. */
  describeCreates?(entity: Entity, creates: readonly CanonicalValues[]): string[];
  /**
   * Fields of a record that name other records of the same entity by a key (a user's approvers, by
   * email) which must exist — and hold that key — before it is written: a write waits for the create,
   * or the update of that key, that it names. `byId`: the platform stores the named record's id, not
   * the key (a SCIM manager), so a new key that names the same record is no change. `active`: the
   * named record must be active too (Springest: "approvers must be existing, active users").
   */
  writtenAfter?(entity: Entity): ReadonlyArray<{ field: string; key: string; byId?: boolean; active?: boolean }>;
  /**
   * How a record is soft-deleted; undefined when the entity has no such state. `active`: the value that
   * undoes it (a rehire is reactivated with it); without it, a deactivated record stays so.
   */
  deactivation(entity: Entity): { field: string; value: string | boolean; active?: string | boolean } | undefined;
  /** Whether records of this entity can be deleted through the API. */
  canDelete(entity: Entity): boolean;
  /**
   * Records that keep a record of `entity` from being deleted while they refer to it in `field` (a
   * company that still has users). A plan never deletes such a record: it says why instead.
   */
  deleteBlockedBy?(entity: Entity): ReadonlyArray<{ entity: Entity; field: string }>;
  /**
   * How long to keep looking for a write whose answer was lost before calling its outcome unknown: a
   * server may commit after the client gave up (twice the target's timeout).
   */
  settleMs(): number;
  /** The record with this key, if any (used to settle a write whose answer was lost). */
  lookup(entity: Entity, key: MatchKey): Promise<CanonicalValues | undefined>;
  /**
   * Several lookups of one field in one request, where the platform can ask for them at once (OData's
   * `or`): `atOnce` values at most. `find` answers the records that have any of the values — maybe
   * more than asked, from a server that compares ignoring case — and whether that is all of them
   * (`complete`: false when the answer may have been cut at a page). Absent: one `lookup` a value.
   */
  lookupMany?: { atOnce: number; find(entity: Entity, field: string, values: readonly string[]): Promise<{ records: CanonicalValues[]; complete: boolean }> };
  /**
   * Writes the target can take in one request (a SCIM /Bulk), once it knows (discovery); absent or 1:
   * one write per request. Apply then keeps that many times its concurrency in flight, and the writer
   * groups the writes it is given into requests — each still answered, and settled, one by one.
   */
  writesPerRequest?(): Promise<number>;
  /**
   * One write; resolves to the record's id. A failure of the platform is a RemoteError with its kind
   * (anything else is taken for a bug in hrsync: the run stops, its results are still written).
   */
  write(op: WriteOp): Promise<{ id: string }>;
}

/** Canonical field → wire name, for one entity of one platform. */
export type WireMap = Readonly<Record<string, string>>;

/** Inverts a wire map: wire name → canonical field. */
export function invert(map: WireMap): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([canonical, wire]) => [wire, canonical]));
}

/**
 * Where the last fully successful incremental read of a source got to: `--since last` starts there.
 * Taken at the start of that read (what changed during it is read again next time), kept per source
 * and target (by identity: another account is another bookmark). A failed or partial run does not move it.
 */
export interface Bookmark {
  /** What it is for: "import <source identity> → <target identity>" or "export <target identity> <entity>". */
  key: string;
  /** For people: the names the run used. */
  source: string;
  target: string;
  entity: string;
  /** When the read started (ISO): the next `--since last` reads changes from here (less the overlap). */
  at: string;
}

/** Who holds a run lock: nothing personal, no secret. */
export interface LockHolder {
  pid: number;
  host: string;
  /** When the holder took it (ISO). */
  since: string;
  /** What it is doing, for the message: 'import into accessplanit "lms"'. */
  what: string;
  /** When the lock lapses unless its holder renews it (ISO); a lock without expiry ends with its process. */
  expires?: string;
  /** False for a lock left behind by a holder that is gone (it no longer stops anyone). */
  held?: boolean;
  /** The project folder (the config's) of the run that took it; absent from a lock of an older hrsync. */
  project?: string;
  /** The machine's locks (the dir backend): the user whose file it is, and whether it is another project's. */
  user?: string;
  elsewhere?: boolean;
}

/** A run lock held: released at the end of the run. */
export interface HeldLock {
  release(): Promise<void>;
  /**
   * Aborted (its reason: why, in words) when the lock is lost while held — its session in the state
   * database ended — so that no new write starts: another run may hold it now. Absent where a lock
   * cannot be lost (the machine's lock file).
   */
  readonly lost?: AbortSignal;
}

export interface LockRequest {
  /** How long to wait for the holder to finish before refusing (default: refuse at once). */
  waitMs?: number;
  /** Told, once, when a held lock is lost before it is released (its backend became unreachable). */
  onLost?: (message: string) => void;
  /** Told of what the lock passed over: a lock file that is not what it says, a folder it did not trust. */
  warn?: (message: string) => void;
}

/** Which last-sent fingerprints: a target (its configured name and its identity) and an entity. */
export interface SentScope {
  name: string;
  identity: string;
  entity: string;
}

/**
 * One write of a run as its journal keeps it (journal.ndjson in the run's folder; with the `postgres`
 * state, also in the database): what happened, and what it replaced — enough to undo it.
 */
export interface JournalEntry {
  at: string;
  entity: string;
  action: WriteAction;
  key: string;
  file: string | null;
  line: number | null;
  status: 'ok' | 'failed' | 'skipped' | 'unknown';
  id: string | null;
  error: string | null;
  /** An update: each field it changed, the target's value before (as read when planned) and after. */
  changes?: Array<{ field: string; from: FieldValue | null; to: FieldValue | null }>;
  /** A create: what it sent (less create-only options), the record as it was made. */
  after?: CanonicalValues;
  /** A deactivation or delete: the record as it was read just before (absent where the platform cannot read it back). */
  before?: CanonicalValues;
}

/** One run, as `hrsync state history` shows it: when, what, against which target, its counts and exit code. */
export interface RunRecord {
  /** The run's id (`hrsync undo <id>`); runs recorded before ids were kept have none. */
  id?: string;
  /** When it started (ISO). */
  at: string;
  ms: number;
  command: 'import' | 'apply' | 'export' | 'undo';
  /** The target's configured name ("lms"; "sandbox" for the embedded one). */
  target: string;
  /** For people: 'accessplanit "lms"'. */
  label: string;
  /** What was read from (import --from), when it was. */
  source?: string;
  /** Where the run was: pid and host. */
  pid: number;
  /** Plan and apply counts (create, update, … applied, failed), or rows exported. */
  counts: Record<string, number>;
  exitCode: number;
  host: string;
  /** Where its results and journal are (absolute), when it wrote any. */
  results?: string;
  /** A saved plan's signature (`hrsync apply`): a plan applied twice is known by it. */
  plan?: string;
  /** The id of the run this one undid (`hrsync undo`). */
  undoes?: string;
}

/**
 * What hrsync keeps between runs, and where: bookmarks, last-sent fingerprints of targets that cannot
 * be listed, run locks and a short run history. Two backends: `dir` (a folder beside the config, the
 * lock on this machine) and `postgres` (one database shared by every runner, the lock across machines).
 */
export interface StateStore {
  readonly backend: 'dir' | 'postgres';
  /** For messages and `state show`: a folder, or postgres://user@host:port/database (never a password). */
  readonly where: string;
  bookmarks(): Promise<Bookmark[]>;
  bookmark(key: string): Promise<Bookmark | undefined>;
  /** Saves a bookmark (replacing the one of its key); a failure is hrsync's own output failing (74). */
  setBookmark(bookmark: Bookmark): Promise<void>;
  /** Removes the bookmarks whose key, source or target contains `match` (all when undefined); returns how many. */
  resetBookmarks(match?: string): Promise<number>;
  /** What was last sent successfully, per record key: a fingerprint and the field names it carried. */
  loadSent(scope: SentScope): Promise<Map<string, string>>;
  /** Records what this run sent successfully (merged with what was kept); a failure is exit 74. */
  saveSent(scope: SentScope, sent: ReadonlyMap<string, string>): Promise<void>;
  /** How many fingerprints are kept per target and entity. */
  sentSummary(): Promise<Array<{ target: string; entity: string; records: number }>>;
  /**
   * One run at a time per resource (a target's identity) for the whole plan and apply: a second
   * refuses (LockBusy, exit 6) naming the holder, or waits `waitMs` for it.
   */
  lock(resource: string, label: string, what: string, request?: LockRequest): Promise<HeldLock>;
  /** The locks this backend knows of: held now, or left behind by a holder that is gone. */
  locks(): Promise<Array<LockHolder & { resource?: string }>>;
  /**
   * Adds a run to the history (the oldest beyond the last 100 per target are dropped), with its journal
   * where the backend keeps journals itself (`postgres`: any runner can undo the run; `dir` keeps none
   * beyond the run's folder).
   */
  recordRun(run: RunRecord, journal?: readonly JournalEntry[]): Promise<void>;
  /** A run's journal as the backend keeps it, by run id; undefined when it keeps none (`dir`: it is in the run's folder). */
  journal(run: string): Promise<JournalEntry[] | undefined>;
  /** The most recent runs first, at most `limit`, of one target (its name) when `target` is given. */
  history(options?: { limit?: number; target?: string }): Promise<RunRecord[]>;
  /**
   * The secret that signs a saved plan (`import --out`) and checks it (`apply`): 32 random bytes, made
   * on first use and kept in the state, so a plan edited by anyone who cannot read the state is refused.
   */
  planKey(): Promise<Buffer>;
  /** Creates or brings up to date what the backend keeps its state in: the schema version before and after. */
  migrate(): Promise<{ from: number; to: number }>;
  close(): Promise<void>;
}
