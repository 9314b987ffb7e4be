import type { CanonicalValues } from '../model/canonical.js';
import type { Entity } from '../model/entities.js';
import { keyValue } from '../model/keys.js';

/**
 * Records that already exist on a target, for references a batch does not settle itself: a user's
 * company that is on the platform but not in companies.csv. Built once per run from a target's
 * listing; read only.
 */
export class KnownRecords {
  private readonly values = new Map<string, Set<string>>(); // "entity.field" → values
  private readonly loaded = new Set<Entity>();

  /** `label` names the source in messages, e.g. 'accessplanit "lms"'. */
  constructor(readonly label: string) {}

  /** Adds every record of an entity: after this, absence from it means "does not exist there". */
  load(entity: Entity, records: Iterable<CanonicalValues>, fields: readonly string[]): this {
    this.loaded.add(entity);
    for (const field of fields) if (!this.values.has(`${entity}.${field}`)) this.values.set(`${entity}.${field}`, new Set());
    for (const record of records)
      for (const field of fields) {
        const value = record[field];
        if (typeof value === 'string' && value.trim()) this.values.get(`${entity}.${field}`)!.add(keyValue(field, value));
      }
    return this;
  }

  /** true or false when this entity was loaded with this field; undefined when it cannot tell. */
  has(entity: Entity, field: string, value: string): boolean | undefined {
    if (!this.loaded.has(entity)) return undefined;
    return this.values.get(`${entity}.${field}`)?.has(keyValue(field, value));
  }
}
