import type { CanonicalValues } from '../model/canonical.js';
import type { Entity } from '../model/entities.js';
import type { Connection } from '../ports.js';

/** Fields never kept in a journal, whatever a platform calls them: a credential is not a record's value. */
const SECRET_FIELD = /password|secret|token|api_?key/i;

/**
 * A record as a journal keeps it: its values less create-only options (an invitation, not a stored
 * value) and anything named like a credential.
 */
export function imageOf(target: Connection, entity: Entity, values: CanonicalValues): CanonicalValues {
  const left = leftOut(target, entity);
  const image: CanonicalValues = {};
  for (const field of Object.keys(values)) if (!left(field)) image[field] = values[field]!;
  return image;
}

/** Per target and entity, whether a field is left out of its images: worked out once a field (a journal line per write). */
const leftOutOf = new WeakMap<Connection, Map<Entity, (field: string) => boolean>>();

function leftOut(target: Connection, entity: Entity): (field: string) => boolean {
  let byEntity = leftOutOf.get(target);
  if (!byEntity) leftOutOf.set(target, (byEntity = new Map()));
  let left = byEntity.get(entity);
  if (!left) {
    const createOnly = new Set(target.writer?.createOnly?.(entity) ?? []);
    const known = new Map<string, boolean>();
    left = (field) => {
      let out = known.get(field);
      if (out === undefined) known.set(field, (out = createOnly.has(field) || SECRET_FIELD.test(field)));
      return out;
    };
    byEntity.set(entity, left);
  }
  return left;
}

/**
 * The record a write is about as the target holds it now: by its id where the target reads whole
 * records, else by the keys it is written with (a platform that finds records by key, such as one
 * that cannot be listed). Undefined when it is not there, or cannot be read back.
 */
export async function readBack(target: Connection, entity: Entity, id: string | undefined, values: CanonicalValues | undefined): Promise<CanonicalValues | undefined> {
  const writer = target.writer!;
  if ((target.can.list || target.can.lookupRecords) && id) return writer.lookup(entity, { field: 'id', value: id });
  for (const field of writer.matchKeys(entity)) {
    const value = values?.[field];
    if (typeof value !== 'string' || !value.trim()) continue;
    const hit = await writer.lookup(entity, { field, value: value.trim() });
    if (hit) return hit;
  }
  return undefined;
}
