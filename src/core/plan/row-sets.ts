import type { CanonicalValues } from '../model/canonical.js';

/**
 * A target record's number, where whoever holds the records gave each one (see TargetRows in
 * app/target-rows.ts): a Set or a Map of a million records is ~30–40 bytes a record, a byte or a slot
 * by number is 1 or 8 (issue 22 goal 4). A record without one (a test's, a looked-up one) is held as
 * a Set or Map would hold it.
 */
export const ROW_NUMBER = Symbol('the record’s number among those held');

/** `row` given `n` as its number (out of sight: not a key, not copied by a spread, not in JSON). */
export function numberRow(row: CanonicalValues, n: number): CanonicalValues {
  Object.defineProperty(row, ROW_NUMBER, { value: n, enumerable: false });
  return row;
}

const numberOf = (row: CanonicalValues): number | undefined => (row as { [ROW_NUMBER]?: number })[ROW_NUMBER];

/**
 * The target's records of an entity as a plan reads them: an array, or a list that makes each record
 * past a number when it is read (TargetRows in app/target-rows.ts: a million target records are not a
 * million objects held). So one record read twice may be two objects: tell records apart with
 * `recordKey` or `sameRecord`, never `===` or an object's place in a Map or Set.
 */
export interface TargetRecords extends Iterable<CanonicalValues> {
  readonly length: number;
  at(index: number): CanonicalValues | undefined;
}

/** What tells a target record from another: its number, or (a record without one: a test's, a looked-up one) itself. */
export function recordKey(row: CanonicalValues): unknown {
  return numberOf(row) ?? row;
}

/** Whether two target records are one (see TargetRecords). */
export function sameRecord(a: CanonicalValues | undefined, b: CanonicalValues | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && numberOf(a) !== undefined && numberOf(a) === numberOf(b));
}

/** The records a plan holds (never missing): a flag by number. */
export class RowSet {
  private flags = new Uint8Array(0);
  private readonly others = new Set<CanonicalValues>();

  has(row: CanonicalValues): boolean {
    const n = numberOf(row);
    return n === undefined ? this.others.has(row) : this.flags[n] === 1;
  }

  add(row: CanonicalValues): this {
    const n = numberOf(row);
    if (n === undefined) this.others.add(row);
    else {
      if (n >= this.flags.length) {
        const grown = new Uint8Array(Math.max(1024, n + 1, this.flags.length * 2));
        grown.set(this.flags);
        this.flags = grown;
      }
      this.flags[n] = 1;
    }
    return this;
  }
}

/** Something for each record, by number. */
export class RowMap<T> {
  private readonly byNumber: Array<T | undefined> = [];
  private readonly others = new Map<CanonicalValues, T>();

  get(row: CanonicalValues): T | undefined {
    const n = numberOf(row);
    return n === undefined ? this.others.get(row) : this.byNumber[n];
  }

  has(row: CanonicalValues): boolean {
    return this.get(row) !== undefined;
  }

  set(row: CanonicalValues, value: T): this {
    const n = numberOf(row);
    if (n === undefined) this.others.set(row, value);
    else {
      while (this.byNumber.length < n) this.byNumber.push(undefined); // packed, not holey: 8 bytes a slot
      this.byNumber[n] = value;
    }
    return this;
  }
}
