import type { CanonicalValues } from './model/canonical.js';
import type { Entity } from './model/entities.js';

export const TARGET_TYPES = ['accessplanit', 'appenate', 'springest', 'unified'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

/** Which records to read: canonical field → accepted values (pushed down to the platform where it can filter). */
export interface ListQuery {
  filter?: Record<string, string[]>;
  /** Only records changed at or after this ISO instant (where the platform can tell). */
  since?: string;
}

/**
 * One platform account, as hrsync sees it. The core owns diffing, ordering, concurrency, progress and
 * reports; a target owns only its wire format, paging, auth and rules. Adding a platform touches its
 * folder and the registry.
 */
export interface Target {
  /** The configured name ("lms"), or "sandbox" for the embedded one. */
  readonly name: string;
  readonly type: TargetType;
  /** For messages: 'accessplanit "lms"'. */
  readonly label: string;
  readonly entities: readonly Entity[];
  readonly can: { list: boolean; lookup: boolean; write: boolean };
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
  readonly writer?: Writable;
}

export type WriteAction = 'create' | 'update' | 'deactivate' | 'delete';

/** One change to one record. `values` are canonical: all fields for a create, the changed ones for an update. */
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

export interface Writable {
  /** Ordered keys to match input records on, per entity (the first that finds a record wins). */
  matchKeys(entity: Entity): readonly string[];
  /** Fields the platform computes: never diffed, never sent. */
  readOnly(entity: Entity): readonly string[];
  /** How a record is soft-deleted; undefined when the entity has no such state. */
  deactivation(entity: Entity): { field: string; value: string | boolean } | undefined;
  /** The record with this key, if any (used to settle a write whose answer was lost). */
  lookup(entity: Entity, key: MatchKey): Promise<CanonicalValues | undefined>;
  /** One write; resolves to the record's id. */
  write(op: WriteOp): Promise<{ id: string }>;
}

/** Canonical field → wire name, for one entity of one platform. */
export type WireMap = Readonly<Record<string, string>>;

/** Inverts a wire map: wire name → canonical field. */
export function invert(map: WireMap): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([canonical, wire]) => [wire, canonical]));
}
