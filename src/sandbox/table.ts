import type { Row } from './odata.js';

/**
 * Records of one kind, keyed by id, in insertion order. `rows()` is an array cached until the next
 * change, so paging through 100,000 records costs one slice per page, not a scan; derived views
 * (a filter, an order) are cached per table version the same way.
 */
export class Table {
  private readonly byId = new Map<string, Row>();
  private cache: Row[] | undefined;
  private views = new Map<string, Row[]>();
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
    this.byId.set(id, row);
    this.changed();
  }

  delete(id: string): boolean {
    const deleted = this.byId.delete(id);
    if (deleted) this.changed();
    return deleted;
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

  private changed(): void {
    this.version++;
    this.cache = undefined;
    this.views.clear();
  }
}
