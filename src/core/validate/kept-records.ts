import { SpilledValues, type SpilledAt } from '../../io/spilled-values.js';
import { Column } from '../../shared/column.js';
import { withValues, type CanonicalRecord, type CanonicalValues, type RawValue } from '../model/canonical.js';
import type { Entity } from '../model/entities.js';

/**
 * How many kept records stay in memory as they are; past that, the rest go to disk — and past twice as
 * many, these too (issue 22 goal 4): an import of up to 50,000 rows never reads one back, a large one
 * holds none of its rows in memory.
 */
export const HELD_IN_MEMORY = 50_000;

/** What of a record goes to disk: all but where it is. */
interface Body {
  v: CanonicalValues;
  s: Record<string, RawValue>;
  m?: Record<string, string>;
}

/**
 * What the records on disk share, and where each one is: the n-th record on disk starts at `starts[n]`
 * and ends where the next starts (the last, at `end`), has its line in `lines`, and its entity and file
 * are `places[kinds[n]]` — 16 bytes a record, not properties of its own.
 */
class Shelf {
  readonly starts = new Column((n) => new Float64Array(n));
  readonly lines = new Column((n) => new Int32Array(n));
  readonly kinds = new Column((n) => new Int32Array(n));
  readonly places: Array<{ entity: Entity; file: string }> = [];
  count = 0;
  end = 0;
  constructor(readonly disk: SpilledValues<Body>) {}

  push(record: CanonicalRecord, where: SpilledAt): number {
    const n = this.count++;
    let kind = this.places.findIndex((p) => p.entity === record.entity && p.file === record.file);
    if (kind < 0) kind = this.places.push({ entity: record.entity, file: record.file }) - 1;
    this.starts.set(n, where.at);
    this.lines.set(n, record.line);
    this.kinds.set(n, kind);
    this.end = where.at + where.bytes;
    return n;
  }

  body(n: number): Body {
    const at = this.starts.get(n);
    return this.disk.read(at, (n + 1 < this.count ? this.starts.get(n + 1) : this.end) - at);
  }
}

/**
 * A kept record on disk, as the class of one KeptRecords' records: its number alone is its own (32
 * bytes: Node's V8 has no pointer compression); its entity, file and line come from the shelf, and its
 * values, its row as read and its mapped values are read back when asked for (see SpilledValues).
 */
function spilledRecords(shelf: Shelf) {
  return class SpilledRecord implements CanonicalRecord {
    /** Private (not a property a comparison or a copy walks into). */
    readonly #n: number;
    constructor(n: number) {
      this.#n = n;
    }
    get entity(): Entity {
      return shelf.places[shelf.kinds.get(this.#n)]!.entity;
    }
    get file(): string {
      return shelf.places[shelf.kinds.get(this.#n)]!.file;
    }
    get line(): number {
      return shelf.lines.get(this.#n);
    }
    get values(): CanonicalValues {
      return shelf.body(this.#n).v;
    }
    get source(): Record<string, RawValue> {
      return shelf.body(this.#n).s;
    }
    get mapped(): Record<string, string> | undefined {
      return shelf.body(this.#n).m;
    }
  };
}

/**
 * The records validation keeps for a plan, in the order kept. A plan of a million people must not
 * hold a million rows' values in memory at once: past `held` records, each is written to a private
 * temporary file and stands in memory as a SpilledRecord. `close()` removes the file; a record read
 * after it is an error.
 */
export class KeptRecords {
  private readonly list: CanonicalRecord[] = [];
  private readonly disk: SpilledValues<Body>;
  private readonly shelf: Shelf;
  private readonly Spilled: ReturnType<typeof spilledRecords>;
  /** The first records have gone to disk too (see HELD_IN_MEMORY). */
  private demoted = false;
  /** Of the first `held` records, those pushed to stay in memory whatever the count. */
  private readonly pinned = new Set<number>();
  /** The fields the records kept have, per entity (those left out too: a few more, never fewer). */
  readonly fields = new Map<Entity, Set<string>>();

  /** `held`: records kept in memory before the rest go to disk; `tmp`: where (default TMPDIR). */
  constructor(
    private readonly held = HELD_IN_MEMORY,
    tmp?: string,
  ) {
    this.disk = new SpilledValues<Body>(tmp);
    this.shelf = new Shelf(this.disk);
    this.Spilled = spilledRecords(this.shelf);
  }

  get length(): number {
    return this.list.length;
  }

  /** The `k`th record kept (one kept in memory is the very object given: changing it changes what is kept). */
  at(k: number): CanonicalRecord {
    return this.list[k]!;
  }

  /** Whether the next record pushed stays in memory as it is (else it goes to disk). */
  holdsNext(inMemory = false): boolean {
    return inMemory || (!this.demoted && this.list.length < this.held);
  }

  /** Keeps `record`; `inMemory`: keep it as it is whatever the count (a row already known to be left out, or one that may still change). */
  push(record: CanonicalRecord, inMemory = false): void {
    const fields = this.fields.get(record.entity) ?? this.fields.set(record.entity, new Set()).get(record.entity)!;
    for (const field in record.values) fields.add(field);
    if (this.holdsNext(inMemory)) {
      if (inMemory && this.list.length < this.held) this.pinned.add(this.list.length);
      this.list.push(record);
      return;
    }
    this.list.push(this.spilled(record));
    if (!this.demoted && this.list.length > 2 * this.held) this.demote();
  }

  private spilled(record: CanonicalRecord): CanonicalRecord {
    const where = this.disk.push(record.mapped ? { v: record.values, s: record.source, m: record.mapped } : { v: record.values, s: record.source });
    return new this.Spilled(this.shelf.push(record, where));
  }

  /** The first `held` records to disk too, those pushed to stay in memory left as they are: from now on, only those do. */
  private demote(): void {
    this.demoted = true;
    for (let k = 0; k < this.held; k++) if (!this.pinned.has(k)) this.list[k] = this.spilled(this.list[k]!);
    this.pinned.clear();
  }

  /** The records `keep` says yes to, as they are held, and the others as plain records (they outlive the file: results, failed rows); once, at the end. */
  partition(keep: (record: CanonicalRecord) => boolean): { kept: CanonicalRecord[]; others: CanonicalRecord[] } {
    const kept: CanonicalRecord[] = [];
    const others: CanonicalRecord[] = [];
    for (const record of this.list)
      if (keep(record)) kept.push(record);
      else others.push(record instanceof this.Spilled ? withValues(record, record.values) : record);
    this.list.length = 0; // the arrays given are the records from now on (a million slots fewer)
    return { kept, others };
  }

  /** Removes the file: the records on disk can no longer be read. */
  close(): void {
    this.disk.close();
  }
}
