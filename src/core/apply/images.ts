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
  const createOnly = new Set(target.writer?.createOnly?.(entity) ?? []);
  return Object.fromEntries(Object.entries(values).filter(([field]) => !createOnly.has(field) && !SECRET_FIELD.test(field)));
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
