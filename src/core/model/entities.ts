/**
 * What hrsync reads and writes. The first three are people data synced into a platform (created,
 * updated, deactivated, deleted); the training entities after them are a training platform's records
 * about those people (delegates on course dates, their managers' authorisations, awards, job roles):
 * read back to HR by export, and — delegates and awards — only ever updated.
 */
export const ENTITIES = ['users', 'companies', 'groups', 'delegates', 'authorisations', 'awards', 'jobroles'] as const;
export type Entity = (typeof ENTITIES)[number];

/** Singular nouns for messages ("company", not "companies"). */
export const SINGULAR: Record<Entity, string> = {
  users: 'user', companies: 'company', groups: 'group', delegates: 'delegate', authorisations: 'authorisation', awards: 'award', jobroles: 'job role',
};

/**
 * Creation order: a user's company and a company's groups must exist first; training records refer
 * to users, so they come after them. Deletions go in reverse.
 */
export const DEPENDENCY_ORDER: readonly Entity[] = ['groups', 'companies', 'users', 'delegates', 'awards', 'authorisations', 'jobroles'];

export function isEntity(value: string): value is Entity {
  return (ENTITIES as readonly string[]).includes(value);
}

/** "users, companies, groups, delegates, … or jobroles": for messages that name every entity. */
export const ENTITY_LIST = `${ENTITIES.slice(0, -1).join(', ')} or ${ENTITIES[ENTITIES.length - 1]}`;
