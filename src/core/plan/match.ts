import type { CanonicalRecord, CanonicalValues } from '../model/canonical.js';
import type { Canary } from './canary.js';
import type { Draft } from './draft.js';
import { keyLabel, keyOf } from './keys.js';
import type { Conflict } from './types.js';

/**
 * Every target record each key value finds: more than one is a duplicate on the target. A value is
 * held with its one record, an array only for a duplicate (a million records, no million arrays).
 */
export class TargetIndex {
  private readonly indexes: Map<string, Map<string, CanonicalValues | CanonicalValues[]>>;

  constructor(existing: readonly CanonicalValues[], readonly keys: readonly string[]) {
    this.indexes = new Map(keys.map((k) => [k, new Map<string, CanonicalValues | CanonicalValues[]>()]));
    for (const row of existing)
      for (const k of keys) {
        const value = keyOf(k, row);
        if (value === undefined) continue;
        const index = this.indexes.get(k)!;
        const found = index.get(value);
        if (found === undefined) index.set(value, row);
        else if (Array.isArray(found)) found.push(row);
        else index.set(value, [found, row]);
      }
  }

  /** The target records whose key `k` has the value `values` has. */
  find(k: string, values: CanonicalValues): CanonicalValues[] {
    const value = keyOf(k, values);
    const found = value === undefined ? undefined : this.indexes.get(k)!.get(value);
    return found === undefined ? [] : Array.isArray(found) ? found : [found];
  }

  /** The target records any key of `values` finds. */
  findAll(values: CanonicalValues): CanonicalValues[] {
    return this.keys.flatMap((k) => this.find(k, values));
  }
}

/**
 * Every target record each row's keys name, and the rows that name it: one named by two rows or more
 * (even if one of them is a conflict for another reason) is written by none of them — the first row
 * must not win by its place.
 */
export interface Claims {
  rowsOf: Map<CanonicalValues, CanonicalRecord[]>;
  hitsOf: Map<CanonicalRecord, Set<CanonicalValues>>;
}

export function claimsOf(input: readonly CanonicalRecord[], index: TargetIndex): Claims {
  const rowsOf = new Map<CanonicalValues, CanonicalRecord[]>();
  const hitsOf = new Map<CanonicalRecord, Set<CanonicalValues>>();
  for (const record of input) {
    const hits = new Set(index.findAll(record.values));
    hitsOf.set(record, hits);
    for (const hit of hits) rowsOf.set(hit, [...(rowsOf.get(hit) ?? []), record]);
  }
  return { rowsOf, hitsOf };
}

/**
 * The match keys a row has a value for, or undefined when the row is left out: by --only (counted as
 * skipped), or because it has none — a row no key can find again would be created anew on every run.
 */
export function presentKeys(record: CanonicalRecord, keys: readonly string[], canary: Canary, draft: Draft): string[] | undefined {
  const present = keys.filter((k) => keyOf(k, record.values) !== undefined);
  if (canary.leavesOut(record, present)) {
    draft.count(record.entity, 'skipped');
    return undefined;
  }
  if (present.length === 0) {
    draft.conflicts.push({
      entity: record.entity, file: record.file, line: record.line, key: '', source: record.source,
      message: `has none of the keys it is matched on (${keys.join(', ')}): it could not be found again on the next run, so it is left out rather than created`,
    });
    return undefined;
  }
  return present;
}

/** What a row's keys found: one record (or none: a create), under `key`, how a person finds the row — or a conflict. */
export type Match = { conflict: Conflict } | { hit: CanonicalValues | undefined; key: string };

/**
 * Matches a row on the keys it has, in order. A key that finds two target records is a duplicate on
 * the target; keys that find different records, or a record another row names too, are a conflict:
 * reported, never guessed. Every record found is `held` (never counted missing); `matched` holds the
 * records earlier rows matched.
 */
export function matchRow(record: CanonicalRecord, present: readonly string[], index: TargetIndex, claims: Claims, matched: ReadonlyMap<CanonicalValues, CanonicalRecord>, held: Set<CanonicalValues>): Match {
  const hits = new Map<CanonicalValues, string>();
  let duplicate: string | undefined;
  for (const k of present) {
    const found = index.find(k, record.values);
    for (const hit of found) {
      held.add(hit);
      if (!hits.has(hit)) hits.set(hit, keyLabel(k, record.values));
    }
    if (found.length > 1) duplicate ??= `${keyLabel(k, record.values)} matches ${found.map((h) => `id ${String(h.id)}`).join(' and ')}`;
  }
  const key = keyLabel(present[0]!, record.values);
  const conflict = (message: string, onTarget?: boolean): Match => ({
    conflict: { entity: record.entity, file: record.file, line: record.line, key, source: record.source, message, ...(onTarget ? { duplicateOnTarget: true } : {}) },
  });
  if (duplicate) return conflict(duplicate, true);
  if (hits.size > 1) return conflict(`${[...hits.values()].join(' and ')} match different ${record.entity} (${[...hits.keys()].map((h) => `id ${String(h.id)}`).join(', ')})`);
  const [hit] = [...hits.keys()];
  const others = hit ? (claims.rowsOf.get(hit) ?? []).filter((r) => r !== record) : [];
  if (hit && (others.length || matched.has(hit))) {
    const lines = others.length ? others.map((r) => (r.file === record.file ? `line ${r.line}` : `${r.file}:${r.line}`)) : [`line ${matched.get(hit)!.line}`];
    return conflict(`${key} matches the same record (id ${String(hit.id)}) as ${lines.join(' and ')}: none of them is written`);
  }
  return { hit, key };
}
