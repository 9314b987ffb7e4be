import { RemoteError } from '../errors.js';
import { DEFAULT_TIMEOUT_MS } from './connection.js';
import { fnv1a } from '../shared/fnv.js';

/** A list longer than this is taken for one that never ends, unless the target's maxRecords says more. */
export const DEFAULT_MAX_RECORDS = 1_000_000;

/** What bounds one list: the target's maxRecords and maxListSeconds (and the timeout the default comes from). */
export interface ListLimits {
  maxRecords?: number | undefined;
  maxListSeconds?: number | undefined;
  timeoutMs?: number | undefined;
  now?: (() => number) | undefined;
}

/**
 * The longest one list may take, in seconds, unless the target's maxListSeconds says: 10 minutes per
 * million records of maxRecords (a pace of 1,667 records a second, which every platform hrsync
 * speaks to beats by far), at least 10 minutes, plus four times the timeout (one slow answer) —
 * 720 s with the defaults. A list still going then is taken for one that never ends.
 */
export function defaultListSeconds(limits: Pick<ListLimits, 'maxRecords' | 'timeoutMs'>): number {
  return Math.round(600 * Math.max(1, (limits.maxRecords ?? DEFAULT_MAX_RECORDS) / 1_000_000) + (4 * (limits.timeoutMs ?? DEFAULT_TIMEOUT_MS)) / 1000);
}

/** A short stable hash of a record, to tell a repeated copy from a changed one. */
function hash(record: unknown): number {
  return fnv1a(JSON.stringify(record)) >>> 0;
}

/**
 * Keeps a paged list honest, whatever the server does: a record seen before is dropped (an offset
 * that drifted or is ignored) — or, when it comes back with other values, stops the list; a page of
 * nothing but records seen before stops the list (the server ignores the paging it was asked for);
 * more records than the server's own count, or fewer when it ends, stop it too. Stopping is a
 * RemoteError (exit 4): never a loop, never a silently short population.
 */
export class PageGuard {
  private readonly seen = new Map<string, number>();
  private expected: number | undefined;
  /** Records dropped because they came again unchanged. */
  repeated = 0;

  private readonly most: number;
  /** The longest the list may take (seconds), and since when. */
  private readonly seconds: number;
  private readonly explicitSeconds: boolean;
  private readonly now: () => number;
  private readonly started: number;

  constructor(
    private readonly label: string,
    private readonly what: string,
    /** Told at the end when records came more than once, unchanged (they were kept once). */
    private readonly notice?: (message: string) => void,
    /** The target's maxRecords and maxListSeconds (see defaultListSeconds). */
    limits: ListLimits = {},
  ) {
    this.most = limits.maxRecords ?? DEFAULT_MAX_RECORDS;
    this.explicitSeconds = limits.maxListSeconds !== undefined;
    this.seconds = limits.maxListSeconds ?? defaultListSeconds(limits);
    this.now = limits.now ?? Date.now;
    this.started = this.now();
  }

  /**
   * The number of records the server says the list holds, when it says so: the first count is the
   * one kept; a later page that announces another (records were added or removed while the list was
   * read, so the offsets moved under it) stops the list.
   */
  expect(count: number | undefined): void {
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) return;
    if (this.expected === undefined) this.expected = count;
    else if (count !== this.expected) throw this.stop(`announced ${count} records after ${this.expected} (records were added or removed while it was being read)`);
  }

  get received(): number {
    return this.seen.size;
  }

  /** The new records of a page (by id), or a RemoteError when the list cannot be trusted. */
  page<T>(records: readonly T[], idOf: (record: T) => string | null | undefined): T[] {
    const fresh: T[] = [];
    for (const record of records) {
      const h = hash(record);
      // A record with no id is known by what it holds: the same one again is a repeat, never fresh.
      const id = idOf(record) || `\u0000${h}`;
      const before = this.seen.get(id);
      if (before === undefined) {
        this.seen.set(id, h);
        fresh.push(record);
      } else if (before === h) this.repeated++;
      else throw this.stop(`returned the record ${id} twice, with different values (it changed while being listed, or the paging is not stable)`);
    }
    if (records.length > 0 && fresh.length === 0) throw this.stop('repeated a page it had already sent (the server ignores the paging it was asked for)');
    if (this.expected !== undefined && this.seen.size > this.expected) throw this.stop(`went on past the ${this.expected} records its own count announced`);
    if (this.seen.size > this.most)
      throw this.stop(
        `went on past ${this.most.toLocaleString('en-US')} records (the target's maxRecords, a deliberate bound: on a list that never ends, and on the memory a run holds)`,
        `if ${this.label} really holds more ${this.what} records, raise "maxRecords" in its entry of the config (targets.<name>.maxRecords, default ${DEFAULT_MAX_RECORDS.toLocaleString('en-US')})`,
      );
    const took = (this.now() - this.started) / 1000;
    if (took > this.seconds)
      throw this.stop(
        `was still going after ${Math.round(took)} s, with ${this.seen.size.toLocaleString('en-US')} records (the target's maxListSeconds: ${this.seconds} s${this.explicitSeconds ? '' : ', by default 10 minutes per million records of maxRecords plus four times the timeout'})`,
      );
    return fresh;
  }

  /** Whether every record the count announced has come (false when there is no count). */
  get complete(): boolean {
    return this.expected !== undefined && this.seen.size >= this.expected;
  }

  /** At the end of the list: fewer records than announced is a list cut short, not a smaller population. */
  finish(): void {
    if (this.expected !== undefined && this.seen.size < this.expected)
      throw this.stop(`ended after ${this.seen.size} of the ${this.expected} records its own count announced`);
    if (this.repeated) this.notice?.(`${this.label}: ${this.repeated} ${this.what} ${this.repeated === 1 ? 'record came' : 'records came'} twice, unchanged (the paging overlapped), and ${this.repeated === 1 ? 'was' : 'were'} kept once`);
  }

  private stop(why: string, hint = 'run again; if it persists, the server’s paging needs a look (HRSYNC_DEBUG=http shows the requests)'): RemoteError {
    return new RemoteError('unexpected', `${this.label}: the ${this.what} list ${why}; stopped, so that nothing is planned on a wrong population`, undefined, [], hint);
  }
}

/**
 * Reads the pages a list is about to ask for before it asks, `width` at a time, while the list's own
 * loop stays as it was: it asks for each page by its position (an offset, a page number) in order,
 * checks it with its PageGuard and decides where the next one starts. Once the first page has told
 * the list's shape (`plan`: a known count and a page size), the pages after the one asked for are
 * already under way; a page asked for that was not foreseen (a short page moved the offsets) is read
 * then, and what was read ahead is dropped and foreseen again from there. So the records, their order,
 * and every guard are those of a read one page at a time; only the waiting overlaps. Without a count
 * (or with a cursor) nothing is planned, and the list is read one page at a time.
 */
export class ReadAhead<P> {
  private readonly ahead = new Map<number, Promise<P>>();
  private step = 0;
  private end = 0;

  constructor(
    private readonly read: (at: number) => Promise<P>,
    /** Pages in flight at most besides the one asked for (the connection's concurrency). */
    private readonly width: number,
  ) {}

  /** The page at `at`: the one read ahead, else read now; the pages after it are set under way. */
  get(at: number): Promise<P> {
    const page = this.ahead.get(at) ?? this.read(at);
    this.ahead.delete(at);
    this.foresee(at + this.step);
    return page;
  }

  /** The list's shape, from its first page: pages start every `step`, from `next` up to `end` (exclusive). */
  plan(next: number, step: number, end: number): void {
    if (!(step > 0) || !Number.isFinite(end)) return;
    this.step = step;
    this.end = end;
    this.foresee(next);
  }

  /** Keeps the `width` pages from `from` on under way, and drops any other read ahead (never to be asked for). */
  private foresee(from: number): void {
    if (!this.step) return;
    const wanted = new Set<number>();
    for (let at = from; at < this.end && wanted.size < this.width; at += this.step) wanted.add(at);
    for (const at of this.ahead.keys()) if (!wanted.has(at)) this.ahead.delete(at);
    for (const at of wanted)
      if (!this.ahead.has(at)) {
        const page = this.read(at);
        page.catch(() => undefined); // a page dropped unread fails unheard; one asked for fails in get's caller
        this.ahead.set(at, page);
      }
  }
}
