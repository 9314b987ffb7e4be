import type { Row } from './odata.js';
import { StateShapeError } from './platform.js';

/**
 * Records of one kind, keyed by id, in insertion order. `rows()` is an array cached until the next
 * change, so paging through 100,000 records costs one slice per page, not a scan; derived views
 * (a filter, an order) are cached per table version the same way. A record is a value: a change is a
 * `set` of a new object, never an edit of the one stored (the indexes, the views and the state file's
 * texts of records, state.ts, would not see it).
 */
export class Table {
  private readonly byId = new Map<string, Row>();
  private cache: Row[] | undefined;
  private views = new Map<string, Row[]>();
  /** Field → normalised value → ids, kept up to date on every set and delete. */
  private readonly indexes = new Map<string, { normalise: (v: unknown) => string; byValue: Map<string, Set<string>> }>();
  /** Field holding a list → item → ids of the rows whose list has it, kept up to date the same way. */
  private readonly listIndexes = new Map<string, { split: (v: unknown) => string[]; byItem: Map<string, Set<string>> }>();
  version = 0;

  constructor(rows: Iterable<[string, Row]> = []) {
    for (const [id, row] of rows) this.byId.set(id, row);
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Row | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  set(id: string, row: Row): void {
    const before = this.byId.get(id);
    if (before) this.unindex(id, before);
    this.byId.set(id, row);
    this.index(id, row);
    this.changed();
  }

  delete(id: string): boolean {
    const before = this.byId.get(id);
    if (!before) return false;
    this.unindex(id, before);
    this.byId.delete(id);
    this.changed();
    return true;
  }

  /**
   * The first record whose field, normalised, equals the value — through an index built on first use
   * and maintained on every change, so a POST that checks for a match costs no scan.
   */
  findBy(field: string, value: string, normalise: (v: unknown) => string = (v) => (v === null || v === undefined ? '' : String(v))): Row | undefined {
    let index = this.indexes.get(field);
    if (!index) {
      index = { normalise, byValue: new Map() };
      this.indexes.set(field, index);
      for (const [id, row] of this.byId) this.add(index, id, row[field]);
    }
    const ids = index.byValue.get(index.normalise(value));
    if (!ids) return undefined;
    for (const id of ids) return this.byId.get(id);
    return undefined;
  }

  /**
   * The ids of the rows whose `field`, a list (`split` says its items), has `item` — through an index
   * built on first use and maintained on every change, so who a user manages costs no scan of every
   * user on each answer. In the order the rows came to have it.
   */
  having(field: string, item: string, split: (v: unknown) => string[]): string[] {
    let index = this.listIndexes.get(field);
    if (!index) {
      index = { split, byItem: new Map() };
      this.listIndexes.set(field, index);
      for (const [id, row] of this.byId) this.addItems(index, id, row[field]);
    }
    return [...(index.byItem.get(item) ?? [])];
  }

  private addItems(index: { split: (v: unknown) => string[]; byItem: Map<string, Set<string>> }, id: string, value: unknown): void {
    for (const item of index.split(value)) {
      let ids = index.byItem.get(item);
      if (!ids) index.byItem.set(item, (ids = new Set()));
      ids.add(id);
    }
  }

  private add(index: { normalise: (v: unknown) => string; byValue: Map<string, Set<string>> }, id: string, value: unknown): void {
    const key = index.normalise(value);
    if (key === '') return;
    let ids = index.byValue.get(key);
    if (!ids) index.byValue.set(key, (ids = new Set()));
    ids.add(id);
  }

  private index(id: string, row: Row): void {
    for (const [field, index] of this.indexes) this.add(index, id, row[field]);
    for (const [field, index] of this.listIndexes) this.addItems(index, id, row[field]);
  }

  private unindex(id: string, row: Row): void {
    for (const [field, index] of this.indexes) index.byValue.get(index.normalise(row[field]))?.delete(id);
    for (const [field, index] of this.listIndexes) for (const item of index.split(row[field])) index.byItem.get(item)?.delete(id);
  }

  rows(): Row[] {
    return (this.cache ??= [...this.byId.values()]);
  }

  /** A derived array (filtered, sorted) computed once per key until the table changes. */
  view(key: string, compute: (rows: Row[]) => Row[]): Row[] {
    if (key === '') return this.rows();
    let view = this.views.get(key);
    if (!view) {
      if (this.views.size > 16) this.views.clear();
      this.views.set(key, (view = compute(this.rows())));
    }
    return view;
  }

  find(predicate: (row: Row) => boolean): Row | undefined {
    for (const row of this.byId.values()) if (predicate(row)) return row;
    return undefined;
  }

  entries(): Array<[string, Row]> {
    return [...this.byId.entries()];
  }

  /** As saved: its [id, record] pairs. */
  toJSON(): Array<[string, Row]> {
    return this.entries();
  }

  private changed(): void {
    this.version++;
    this.cache = undefined;
    this.views.clear();
  }
}

/** A table as it was saved: [id, row] pairs. Anything else is a damaged state file. */
export function tableFrom(json: unknown, what: string): Table {
  if (!Array.isArray(json) || !json.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && e[1] !== null && typeof e[1] === 'object' && !Array.isArray(e[1])))
    throw new StateShapeError(`${what} is not a list of [id, record] pairs`);
  return new Table(json as Array<[string, Row]>);
}

/** Tables keyed by a name (a site, a connection) as saved: {name: [[id, row] …]}. */
export function tablesFrom(json: unknown, what: string): Map<string, Table> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new StateShapeError(`${what} is not an object`);
  return new Map(Object.entries(json).map(([name, rows]) => [name, tableFrom(rows, `${what}.${name}`)]));
}

/** Tables keyed by a name, to save (each table saves as its [id, record] pairs). */
export function tablesJson(tables: Map<string, Table>): Record<string, Table> {
  return Object.fromEntries(tables);
}
