import type { CanonicalRecord, CanonicalValues } from '../model/canonical.js';
import { countryCode, normaliseCountry } from '../model/countries.js';
import type { Entity } from '../model/entities.js';
import { isCustomField } from '../model/fields.js';
import type { Connection } from '../ports.js';
import { same } from './compare.js';
import { sameHolder, unheld, type Holders } from './references.js';
import type { Change, PlanOptions } from './types.js';

export interface FieldSet {
  has(field: string): boolean;
}

/** The fields a plan may write for an entity: the wire map's, less the read-only ones, and custom fields where the target holds them. */
export function writableFields(target: Connection, entity: Entity): FieldSet {
  const readOnly = new Set(target.writer?.readOnly(entity) ?? []);
  const fields = new Set(Object.keys(target.wire[entity] ?? {}).filter((f) => !readOnly.has(f)));
  const custom = target.customFields?.includes(entity) === true;
  return { has: (field) => fields.has(field) || (custom && isCustomField(field)) };
}

/**
 * What a create sends: every writable (or create-only) field the row has a value for — never a
 * blank — less a reference to a record that will not exist (see unheld).
 */
export function createValues(record: CanonicalRecord, fields: FieldSet, createOnly: ReadonlySet<string>, refs: ReadonlyMap<string, Holders>, unset: string[]): CanonicalValues {
  const values: CanonicalValues = {};
  for (const [f, v] of Object.entries(record.values)) if ((fields.has(f) || createOnly.has(f)) && v !== null && !unheld(refs.get(f), v, record, unset)) values[f] = v;
  return values;
}

/**
 * What a matched row changes on its record: each writable field the row has (a blank only with
 * --blank clear) whose value differs after normalising — a reference that names the same record, or
 * one that will not exist (see unheld), is no change.
 */
export function changesOf(record: CanonicalRecord, hit: CanonicalValues, fields: FieldSet, options: Pick<PlanOptions, 'blank' | 'phoneRegion'>, refs: ReadonlyMap<string, Holders>, unset: string[]): Change[] {
  const changes: Change[] = [];
  // A phone number without its country prefix is read in the row's country (else the config's phoneRegion).
  const country = typeof record.values.country === 'string' ? normaliseCountry(record.values.country) : undefined;
  const region = (country && countryCode(country)) || options.phoneRegion;
  for (const [f, v] of Object.entries(record.values)) {
    if (!fields.has(f) || f === 'id') continue;
    if (v === null && options.blank === 'ignore') continue;
    const now = hit[f] ?? null;
    if (v === null ? now === null || now === '' : same(f, v, now, region)) continue;
    if (sameHolder(refs.get(f), now, v) || unheld(refs.get(f), v, record, unset)) continue;
    changes.push({ field: f, from: now, to: v });
  }
  return changes;
}
