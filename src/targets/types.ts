import type { CanonicalValues } from '../model/canonical.js';
import type { Entity } from '../model/entities.js';

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
}

/** Canonical field → wire name, for one entity of one platform. */
export type WireMap = Readonly<Record<string, string>>;

/** Inverts a wire map: wire name → canonical field. */
export function invert(map: WireMap): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([canonical, wire]) => [wire, canonical]));
}
