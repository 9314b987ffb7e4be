import { runPool } from '../../shared/pool.js';
import type { Resource } from './wire.js';

/** Groups whose members are read at once (one GET each). */
const MEMBER_READS = 4;

/** What the book needs of the connector: the groups, listed (paged, guarded), and one group's members. */
export interface GroupSource {
  /** Every group as listed, without its members where the provider honours excludedAttributes. */
  groups(): AsyncIterable<Resource[]>;
  /** One group's member ids (users and nested groups alike), read from the group itself. */
  members(groupId: string): Promise<string[]>;
}

const norm = (label: string) => label.trim().toLowerCase();

/**
 * The provider's groups and who is in them, read from the groups (RFC 7643 §4.2: `members` is the
 * group's; a user's `groups` is optional and read only, §4.1.2, and many providers leave it out).
 * A list of groups never carries their members here (excludedAttributes=members): each group's
 * members come from a GET of that group with attributes=members, a few at a time, so no answer holds
 * more than one group's members. Kept up to date by the connector's own writes for the rest of the run.
 */
export class GroupBook {
  private readonly ids = new Map<string, string>();
  /** Label as written → id: of two groups whose names differ only by case, each is found by its own. */
  private readonly exact = new Map<string, string>();
  private readonly labels = new Map<string, string>();
  /** user id → ids of the groups it is a direct member of. */
  private readonly memberOf = new Map<string, Set<string>>();

  private constructor() {}

  static async read(source: GroupSource): Promise<GroupBook> {
    const book = new GroupBook();
    const groups: Resource[] = [];
    for await (const page of source.groups()) groups.push(...page);
    for (const group of groups) if (typeof group.id === 'string' && typeof group.displayName === 'string') book.named(group.displayName, group.id);
    await runPool(groups, MEMBER_READS, async (group) => {
      if (typeof group.id !== 'string') return;
      const listed = Array.isArray(group.members) ? (group.members as Array<{ value?: unknown }>).map((m) => String(m.value ?? '')) : await source.members(group.id);
      for (const member of listed) if (member) book.joined(group.id, member);
    });
    return book;
  }

  /** A group of this label (case-insensitive) has this id. */
  named(label: string, id: string): void {
    this.ids.set(norm(label), id);
    this.exact.set(label.trim(), id);
    this.labels.set(id, label.trim());
  }

  /** The group of this label: the one named exactly so, else one named so ignoring case. */
  idOf(label: string): string | undefined {
    return this.exact.get(label.trim()) ?? this.ids.get(norm(label));
  }

  /** The ids of the groups a user is a direct member of. */
  groupIdsOf(userId: string): string[] {
    return [...(this.memberOf.get(userId) ?? [])].filter((id) => this.labels.has(id));
  }

  /** The labels of the groups a user is a direct member of, in the order the provider lists its groups; null for none. */
  groupsOf(userId: string): string[] | null {
    const mine = this.memberOf.get(userId);
    if (!mine?.size) return null;
    const labels = [...this.labels].filter(([id]) => mine.has(id)).map(([, label]) => label);
    return labels.length ? labels : null;
  }

  joined(groupId: string, userId: string): void {
    let set = this.memberOf.get(userId);
    if (!set) this.memberOf.set(userId, (set = new Set()));
    set.add(groupId);
  }

  left(groupId: string, userId: string): void {
    this.memberOf.get(userId)?.delete(groupId);
  }

  /** A group deleted: its label and its memberships are gone. */
  removed(groupId: string): void {
    const label = this.labels.get(groupId);
    if (label !== undefined && this.ids.get(norm(label)) === groupId) this.ids.delete(norm(label));
    if (label !== undefined && this.exact.get(label) === groupId) this.exact.delete(label);
    this.labels.delete(groupId);
    for (const set of this.memberOf.values()) set.delete(groupId);
  }
}
