import { SpilledValues, type SpilledAt } from '../../io/spilled-values.js';
import { withValues, type CanonicalRecord, type CanonicalValues, type RawValue } from '../model/canonical.js';
import type { Entity } from '../model/entities.js';

/** How many kept records stay in memory as they are; past that, the rest go to disk (issue 22 goal 4). */
export const HELD_IN_MEMORY = 50_000;

/** What of a record goes to disk: all but where it is. */
interface Body {
  v: CanonicalValues;
  s: Record<string, RawValue>;
  m?: Record<string, string>;
}

/**
 * A kept record on disk: where it is and which entity it is stay in memory (72 bytes: Node's V8 has no
 * pointer compression); its values, its row as read and its mapped values are read back when asked for
 * (see SpilledValues).
 */
class SpilledRecord implements CanonicalRecord, SpilledAt {
  readonly at: number;
  readonly bytes: number;
  /** Private (not a property a comparison or a copy walks into): the file of values. */
  readonly #disk: SpilledValues<Body>;
  constructor(
    readonly entity: Entity,
    readonly file: string,
    readonly line: number,
    disk: SpilledValues<Body>,
    where: SpilledAt,
  ) {
    this.#disk = disk;
    this.at = where.at;
    this.bytes = where.bytes;
  }
  get values(): CanonicalValues {
    return this.#disk.get(this).v;
  }
  get source(): Record<string, RawValue> {
    return this.#disk.get(this).s;
  }
  get mapped(): Record<string, string> | undefined {
    return this.#disk.get(this).m;
  }
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
  /** The fields the records kept have, per entity (those left out too: a few more, never fewer). */
  readonly fields = new Map<Entity, Set<string>>();

  /** `held`: records kept in memory before the rest go to disk; `tmp`: where (default TMPDIR). */
  constructor(
    private readonly held = HELD_IN_MEMORY,
    tmp?: string,
  ) {
    this.disk = new SpilledValues<Body>(tmp);
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
    return inMemory || this.list.length < this.held;
  }

  /** Keeps `record`; `inMemory`: keep it as it is whatever the count (a row already known to be left out, or one that may still change). */
  push(record: CanonicalRecord, inMemory = false): void {
    const fields = this.fields.get(record.entity) ?? this.fields.set(record.entity, new Set()).get(record.entity)!;
    for (const field in record.values) fields.add(field);
    if (this.holdsNext(inMemory)) {
      this.list.push(record);
      return;
    }
    const where = this.disk.push(record.mapped ? { v: record.values, s: record.source, m: record.mapped } : { v: record.values, s: record.source });
    this.list.push(new SpilledRecord(record.entity, record.file, record.line, this.disk, where));
  }

  /** The records `keep` says yes to, as they are held, and the others as plain records (they outlive the file: results, failed rows); once, at the end. */
  partition(keep: (record: CanonicalRecord) => boolean): { kept: CanonicalRecord[]; others: CanonicalRecord[] } {
    const kept: CanonicalRecord[] = [];
    const others: CanonicalRecord[] = [];
    for (const record of this.list)
      if (keep(record)) kept.push(record);
      else others.push(record instanceof SpilledRecord ? withValues(record, record.values) : record);
    this.list.length = 0; // the arrays given are the records from now on (a million slots fewer)
    return { kept, others };
  }

  /** Removes the file: the records on disk can no longer be read. */
  close(): void {
    this.disk.close();
  }
}
