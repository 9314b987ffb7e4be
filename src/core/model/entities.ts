export const ENTITIES = ['users', 'companies', 'groups'] as const;
export type Entity = (typeof ENTITIES)[number];

/** Singular nouns for messages ("company", not "companies"). */
export const SINGULAR: Record<Entity, string> = { users: 'user', companies: 'company', groups: 'group' };

/** Creation order: a user's company and a company's groups must exist first. Deletions go in reverse. */
export const DEPENDENCY_ORDER: readonly Entity[] = ['groups', 'companies', 'users'];

export function isEntity(value: string): value is Entity {
  return (ENTITIES as readonly string[]).includes(value);
}
