import { SpilledValues } from '../io/spilled-values.js';
import { Column } from '../shared/column.js';
import type { CanonicalValues } from '../core/model/canonical.js';
import { fingerprint, keepFingerprint } from '../core/plan/digest.js';
import { numberRow, ROW_NUMBER, type TargetRecords } from '../core/plan/row-sets.js';

/**
 * How many of the target's records stay in memory as they are; past that, the rest go to disk — and
 * past twice as many, these too (issue 22 goal 4: see HELD_IN_MEMORY).
 */
export const TARGET_HELD_IN_MEMORY = 50_000;

/** A target record on disk: its values and the fingerprint of the whole record it was projected from. */
interface Body {
  v: CanonicalValues;
  f: string;
}

const readOnly = (): never => {
  throw new TypeError('a target record kept on disk is read-only');
};

/**
 * What a plan's code sees of a record on disk: a plain record to every reader (its fields, `in`,
 * Object.keys, a spread, JSON, its fingerprint), each read going to the values read back. It is made
 * when read and held by no one else: two readings are two objects, the same record (its number: see
 * TargetRecords).
 */
function standIn(valuesOf: (n: number) => CanonicalValues): ProxyHandler<{ n: number }> {
  return {
    get: (h, key) => (key === ROW_NUMBER ? h.n : Reflect.get(valuesOf(h.n), key)),
    has: (h, key) => key in valuesOf(h.n),
    ownKeys: (h) => Reflect.ownKeys(valuesOf(h.n)),
    getOwnPropertyDescriptor: (h, key) => Reflect.getOwnPropertyDescriptor(valuesOf(h.n), key),
    getPrototypeOf: () => Object.prototype,
    set: readOnly,
    defineProperty: readOnly,
    deleteProperty: readOnly,
  };
}

/** One entity's records among those held: the `length` from `from` on. */
class HeldList implements TargetRecords {
  constructor(
    private readonly rows: TargetRows,
    private readonly from: number,
    readonly length: number,
  ) {}
  at(index: number): CanonicalValues | undefined {
    const i = index < 0 ? index + this.length : index;
    return i >= 0 && i < this.length ? this.rows.record(this.from + i) : undefined;
  }
  *[Symbol.iterator](): Iterator<CanonicalValues> {
    for (let i = 0; i < this.length; i++) yield this.rows.record(this.from + i);
  }
}

/**
 * The target's records as a plan holds them while it is made. A million target records must not be a
 * million objects in memory: past `held`, each is written to a private temporary file (see SpillFolder)
 * and nothing of it stays in memory but where it is (12 bytes); a read-only stand-in is made each
 * time it is read (see standIn). Every record is numbered, so that the plan's sets and maps of records
 * hold a byte or a slot a record (see RowSet), and tells one from another (see TargetRecords).
 * `close()` removes the file, once the plan is made: a plan's operations carry copies of what they need.
 */
export class TargetRows {
  private readonly disk: SpilledValues<Body>;
  private readonly plain: CanonicalValues[] = [];
  private readonly starts = new Column((n) => new Float64Array(n));
  private readonly sizes = new Column((n) => new Int32Array(n));
  private count = 0;
  /** Records below this number are in memory (`held`, or none once they went to disk too). */
  private inMemory: number;
  private readonly handler: ProxyHandler<{ n: number }>;

  /** `held`: records kept in memory before the rest go to disk; `tmp`: where (default TMPDIR). */
  constructor(
    private readonly held = TARGET_HELD_IN_MEMORY,
    tmp?: string,
  ) {
    this.disk = new SpilledValues<Body>(tmp, (body) => ({ v: keepFingerprint(body.v, body.f), f: body.f }));
    this.handler = standIn((n) => this.body(n).v);
    this.inMemory = held;
  }

  /** How many records are held. */
  get size(): number {
    return this.count;
  }

  /** Holds `row` (past `held`, on disk). Nothing may change it once held. */
  hold(row: CanonicalValues): void {
    const n = this.count++;
    if (n < this.inMemory) {
      this.plain.push(numberRow(row, n));
      return;
    }
    this.spill(n, row);
    if (this.inMemory > 0 && this.count > 2 * this.held) {
      this.inMemory = 0; // nothing can hold them yet: the plan reads records once listing is done
      this.plain.forEach((plain, i) => this.spill(i, plain));
      this.plain.length = 0;
    }
  }

  private spill(n: number, row: CanonicalValues): void {
    const where = this.disk.push({ v: row, f: fingerprint(row) });
    this.starts.set(n, where.at);
    this.sizes.set(n, where.bytes);
  }

  /** The records held from the `from`th on (one entity's, when held one entity after another). */
  list(from: number): TargetRecords {
    return new HeldList(this, from, this.count - from);
  }

  /** The `n`th record held: itself, or a stand-in for it on disk made now. */
  record(n: number): CanonicalValues {
    return n < this.inMemory ? this.plain[n]! : (new Proxy({ n }, this.handler) as unknown as CanonicalValues);
  }

  /** Removes the file: a stand-in read after it is an error. */
  close(): void {
    this.disk.close();
  }

  private body(n: number): Body {
    return this.disk.read(this.starts.get(n), this.sizes.get(n));
  }
}
