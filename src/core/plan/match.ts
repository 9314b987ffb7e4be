import type { CanonicalRecord, CanonicalValues } from '../model/canonical.js';
import type { Canary } from './canary.js';
import type { Draft } from './draft.js';
import { keyTakenMessage, newHrIdConflict, type Found } from './identity.js';
import { keyLabel, keyOf } from './keys.js';
import { recordKey, RowMap, sameRecord, type TargetRecords } from './row-sets.js';
import { fnv1a as hashOf } from '../../shared/fnv.js';
import type { Conflict, ConflictCode, OnNewHrId } from './types.js';

/**
 * Every target record each key value finds: more than one is a duplicate on the target. Per key, a
 * table of the records' positions by a hash of the key's value (open addressing: see KeyTable, ~8.6
 * bytes a record a key), each record a hash finds checked against the value —
 * not a Map of a million key strings (~75 bytes a record a key, issue 22 goal 4).
 */
export class TargetIndex {
  private readonly tables: Map<string, KeyTable>;

  constructor(
    private readonly existing: TargetRecords,
    readonly keys: readonly string[],
  ) {
    this.tables = new Map(keys.map((k) => [k, new KeyTable(existing.length)]));
    let i = 0;
    for (const row of existing) {
      for (const k of keys) {
        const value = keyOf(k, row);
        if (value !== undefined) this.tables.get(k)!.add(hashOf(value), i);
      }
      i++;
    }
  }

  /** The target records whose key `k` has the value `values` has, in the order listed. */
  find(k: string, values: CanonicalValues): CanonicalValues[] {
    const value = keyOf(k, values);
    if (value === undefined) return [];
    const found: CanonicalValues[] = [];
    for (const i of this.tables.get(k)!.positions(hashOf(value))) {
      const row = this.existing.at(i)!;
      if (keyOf(k, row) === value) found.push(row);
    }
    return found;
  }

  /** The target records any key of `values` finds. */
  findAll(values: CanonicalValues): CanonicalValues[] {
    return this.keys.flatMap((k) => this.find(k, values));
  }
}

/**
 * Positions by hash (linear probing; never grows: every record is added first), at most 70% full: a
 * position (4 bytes) and the hash's upper 16 bits (2) a slot, ~8.6 bytes a record — a hash's whole 32
 * bits would be 16 bytes a record at half full, for a few more records checked (one in 65,536).
 */
class KeyTable {
  private readonly slots: Int32Array; // position + 1; 0: empty
  private readonly tags: Uint16Array;
  private readonly capacity: number;

  constructor(records: number) {
    this.capacity = Math.max(16, Math.ceil(records / 0.7));
    this.slots = new Int32Array(this.capacity);
    this.tags = new Uint16Array(this.capacity);
  }

  add(hash: number, position: number): void {
    let i = (hash >>> 0) % this.capacity;
    while (this.slots[i] !== 0) i = i + 1 === this.capacity ? 0 : i + 1;
    this.slots[i] = position + 1;
    this.tags[i] = hash >>> 16;
  }

  /** The positions added with a hash like `hash` (its slot and upper bits), in the order added: some may have another. */
  positions(hash: number): number[] {
    const out: number[] = [];
    const tag = hash >>> 16;
    for (let i = (hash >>> 0) % this.capacity; this.slots[i] !== 0; i = i + 1 === this.capacity ? 0 : i + 1) if (this.tags[i] === tag) out.push(this.slots[i]! - 1);
    return out;
  }
}

/**
 * Every target record each row's keys name, and the rows that name it: one named by two rows or more
 * (even if one of them is a conflict for another reason) is written by none of them — the first row
 * must not win by its place.
 */
export interface Claims {
  /** The rows naming each record: one row, an array only when two or more do (see claimants). */
  rowsOf: RowMap<CanonicalRecord | CanonicalRecord[]>;
}

/** The records earlier rows matched, each with its row (a Map, or a RowMap). */
export interface Matched {
  has(row: CanonicalValues): boolean;
  get(row: CanonicalValues): CanonicalRecord | undefined;
}

/** What most rows find: nothing, or one record — shared, or one small object, not a Set per row. */
const NONE: ReadonlySet<CanonicalValues> = new Set();
class One implements ReadonlySet<CanonicalValues> {
  constructor(private readonly only: CanonicalValues) {}
  get size(): number {
    return 1;
  }
  has(value: CanonicalValues): boolean {
    return sameRecord(value, this.only);
  }
  forEach(f: (value: CanonicalValues, key: CanonicalValues, set: ReadonlySet<CanonicalValues>) => void, self?: unknown): void {
    f.call(self, this.only, this.only, this);
  }
  *values(): SetIterator<CanonicalValues> {
    yield this.only;
  }
  keys(): SetIterator<CanonicalValues> {
    return this.values();
  }
  *entries(): SetIterator<[CanonicalValues, CanonicalValues]> {
    yield [this.only, this.only];
  }
  [Symbol.iterator](): SetIterator<CanonicalValues> {
    return this.values();
  }
}

/** The target records any of a row's keys finds, each once (worked out when asked: a plan of a million rows holds none of these). */
export function hitsOf(record: CanonicalRecord, index: TargetIndex): ReadonlySet<CanonicalValues> {
  const found = index.findAll(record.values);
  if (found.length === 0) return NONE;
  if (found.every((h) => sameRecord(h, found[0]))) return new One(found[0]!);
  const once = new Map<unknown, CanonicalValues>();
  for (const hit of found) if (!once.has(recordKey(hit))) once.set(recordKey(hit), hit);
  return new Set(once.values());
}

export function claimsOf(input: readonly CanonicalRecord[], index: TargetIndex): Claims {
  const rowsOf = new RowMap<CanonicalRecord | CanonicalRecord[]>();
  for (const record of input)
    for (const hit of hitsOf(record, index)) {
      const rows = rowsOf.get(hit);
      if (rows === undefined) rowsOf.set(hit, record);
      else if (Array.isArray(rows)) rows.push(record);
      else rowsOf.set(hit, [rows, record]);
    }
  return { rowsOf };
}

/** The rows whose keys name `hit`. */
export function claimants(claims: Claims, hit: CanonicalValues): readonly CanonicalRecord[] {
  const rows = claims.rowsOf.get(hit);
  return rows === undefined ? [] : Array.isArray(rows) ? rows : [rows];
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

/**
 * What a row's keys found: one record (or none: a create), under `key`, how a person finds the row, and
 * `found`, the key that found the record — or a conflict.
 */
export type Match = { conflict: Conflict } | { hit: CanonicalValues | undefined; key: string; found?: Found };

/**
 * Matches a row on the keys it has, in order. A key that finds two target records is a duplicate on
 * the target; keys that find different records, a record another row names too, or one whose HR id
 * differs from the row's (see newHrIdConflict) are a conflict: reported, never guessed. Every record
 * found is `held` (never counted missing); `matched` holds the records earlier rows matched.
 */
export function matchRow(record: CanonicalRecord, present: readonly string[], index: TargetIndex, claims: Claims, matched: Matched, held: { add(row: CanonicalValues): unknown }, onNewHrId?: OnNewHrId): Match {
  const hits = new Map<CanonicalValues, Found>();
  let duplicate: string | undefined;
  for (const k of present) {
    const found = index.find(k, record.values);
    for (const each of found) {
      // Each record as one object here: two keys finding one record may give two (see TargetRecords).
      let hit = each;
      for (const known of hits.keys()) if (sameRecord(known, each)) hit = known;
      held.add(hit);
      if (!hits.has(hit)) hits.set(hit, { key: k, label: keyLabel(k, record.values) });
    }
    if (found.length > 1) duplicate ??= `${keyLabel(k, record.values)} matches ${found.map((h) => `id ${String(h.id)}`).join(' and ')}`;
  }
  const key = keyLabel(present[0]!, record.values);
  const conflict = (message: string, onTarget?: boolean, code?: ConflictCode): Match => ({
    conflict: { entity: record.entity, file: record.file, line: record.line, key, source: record.source, message, ...(onTarget ? { duplicateOnTarget: true } : {}), ...(code ? { code } : {}) },
  });
  if (duplicate) return conflict(duplicate, true);
  if (hits.size > 1) return conflict(keyTakenMessage(record, hits), false, 'key_taken');
  const [hit] = [...hits.keys()];
  const newHrId = hit && newHrIdConflict(record, hit, present, hits.get(hit)!, onNewHrId);
  if (newHrId) return conflict(newHrId, false, 'new_hr_id');
  const others = hit ? claimants(claims, hit).filter((r) => r !== record) : [];
  if (hit && (others.length || matched.has(hit))) {
    const lines = others.length ? others.map((r) => (r.file === record.file ? `line ${r.line}` : `${r.file}:${r.line}`)) : [`line ${matched.get(hit)!.line}`];
    return conflict(`${key} matches the same record (id ${String(hit.id)}) as ${lines.join(' and ')}: none of them is written`);
  }
  return hit ? { hit, key, found: hits.get(hit)! } : { hit, key };
}
