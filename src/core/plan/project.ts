import type { CanonicalRecord, CanonicalValues } from '../model/canonical.js';
import type { Entity } from '../model/entities.js';
import type { TargetWriter } from '../ports.js';
import type { Interner } from '../../shared/interner.js';
import { fingerprint, keepFingerprint } from './digest.js';
import type { PlanOptions } from './types.js';

/**
 * The fields a plan reads of the target's records, per entity (issue 22: a plan of a million people in
 * bounded memory keeps of each target record only these): its id; its match keys (each part of a
 * compound one); the fields the input has for that entity (what an update compares); the field that
 * says it is deactivated; the key a reference of the same entity names it by (a manager's email); and,
 * for entities whose records keep another's from being deleted, the referring field. A plan that comes
 * to read another field of a target record adds it here.
 */
export function planFields(writer: TargetWriter, records: readonly CanonicalRecord[], options: Pick<PlanOptions, 'match' | 'policy' | 'inputFields'>): Map<Entity, string[]> {
  const fields = new Map<Entity, Set<string>>();
  const of = (entity: Entity) => fields.get(entity) ?? fields.set(entity, new Set(['id', ...keyParts(writer.matchKeys(entity))])).get(entity)!;
  // The input's fields, known without reading a million rows back from disk, or read off the rows.
  if (options.inputFields) for (const [entity, known] of options.inputFields) for (const f of known) of(entity).add(f);
  else
    for (const record of records) {
      const mine = of(record.entity);
      for (const f in record.values) mine.add(f);
    }
  for (const [entity, mine] of [...fields]) {
    for (const f of keyParts(options.match ?? [])) mine.add(f);
    const deactivation = writer.deactivation(entity);
    if (deactivation) mine.add(deactivation.field);
    for (const ref of writer.writtenAfter?.(entity) ?? []) mine.add(ref.key);
    for (const by of writer.deleteBlockedBy?.(entity) ?? []) of(by.entity).add(by.field);
  }
  // What protects an account is read on the target's record, whatever the input has (policy.ts: protectedBy).
  const protect = options.policy?.protect;
  if (protect && fields.has('users')) for (const f of [...(protect.keys ?? []).map((k) => k.field), ...Object.keys(protect.roles ?? {})]) of('users').add(f);
  return new Map([...fields].map(([entity, set]) => [entity, [...set]]));
}

function keyParts(keys: readonly string[]): string[] {
  return keys.flatMap((k) => k.split('+'));
}

/**
 * A target record as the plan keeps it: only `fields` (those it has, in that order, so that every
 * record of a list shares one shape), and the fingerprint of the whole record, which an update or a
 * removal carries (see fingerprint). With `interner`, a value many records repeat is held once.
 */
export function projected(row: CanonicalValues, fields: readonly string[], interner?: Interner): CanonicalValues {
  const out: CanonicalValues = {};
  for (const f of fields) if (f in row) out[f] = interner ? interner.value(f, row[f]!) : row[f]!;
  return keepFingerprint(out, fingerprint(row));
}
