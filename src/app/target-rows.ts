import { SpilledValues, type SpilledAt } from '../io/spilled-values.js';
import type { CanonicalValues } from '../core/model/canonical.js';
import { fingerprint, keepFingerprint } from '../core/plan/digest.js';
import { numberRow, ROW_NUMBER } from '../core/plan/row-sets.js';

/** How many of the target's records stay in memory as they are; past that, the rest go to disk (issue 22 goal 4). */
export const TARGET_HELD_IN_MEMORY = 50_000;

/** A target record on disk: its values and the fingerprint of the whole record it was projected from. */
interface Body {
  v: CanonicalValues;
  f: string;
}

/** The values a stand-in reads: those on disk, read back (and kept parsed a while: see SpilledValues). */
type Handle = SpilledAt & { disk: SpilledValues<Body>; n: number };
const valuesOf = (h: Handle): CanonicalValues => h.disk.get(h).v;
const readOnly = (): never => {
  throw new TypeError('a target record kept on disk is read-only');
};

/**
 * What a plan's code sees of a record on disk: a plain record to every reader (its fields, `in`,
 * Object.keys, a spread, JSON, its fingerprint), each read going to the values read back. It is always
 * the same object, so it can be a key of a Map or a Set, as the plan's own records are.
 */
const STAND_IN: ProxyHandler<Handle> = {
  get: (h, key) => (key === ROW_NUMBER ? h.n : Reflect.get(valuesOf(h), key)),
  has: (h, key) => key in valuesOf(h),
  ownKeys: (h) => Reflect.ownKeys(valuesOf(h)),
  getOwnPropertyDescriptor: (h, key) => Reflect.getOwnPropertyDescriptor(valuesOf(h), key),
  getPrototypeOf: () => Object.prototype,
  set: readOnly,
  defineProperty: readOnly,
  deleteProperty: readOnly,
};

/**
 * The target's records as a plan holds them while it is made. A million target records must not be a
 * million objects of values in memory: past `held`, each is written to a private temporary file (see
 * SpillFolder) and stands in memory as a small proxy (about 100 bytes with its handle) that reads it back.
 * `close()` removes the file, once the plan is made: a plan's operations carry copies of what they need.
 */
export class TargetRows {
  private readonly disk: SpilledValues<Body>;
  private count = 0;

  /** `held`: records kept in memory before the rest go to disk; `tmp`: where (default TMPDIR). */
  constructor(
    private readonly held = TARGET_HELD_IN_MEMORY,
    tmp?: string,
  ) {
    this.disk = new SpilledValues<Body>(tmp, (body) => ({ v: keepFingerprint(body.v, body.f), f: body.f }));
  }

  /**
   * `row` as held: itself, or (past `held`) a stand-in for it on disk; numbered either way, so that the
   * plan's sets and maps of records hold a byte or a slot a record (see RowSet). Nothing may change it
   * once held.
   */
  hold(row: CanonicalValues): CanonicalValues {
    const n = this.count++;
    if (n < this.held) return numberRow(row, n);
    const where = this.disk.push({ v: row, f: fingerprint(row) });
    return new Proxy<Handle>({ disk: this.disk, at: where.at, bytes: where.bytes, n }, STAND_IN) as unknown as CanonicalValues;
  }

  /** Removes the file: a stand-in read after it is an error. */
  close(): void {
    this.disk.close();
  }
}
