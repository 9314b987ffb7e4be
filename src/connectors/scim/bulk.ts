import { RemoteError, type FieldError, type RemoteErrorKind } from '../../errors.js';
import type { HttpResponse } from '../../http/client.js';
import { redact } from '../../http/redact.js';
import { arrayIn } from '../answer.js';

/**
 * SCIM /Bulk (RFC 7644 §3.7) on the client side: the writes apply hands the connector one at a time
 * are gathered into bulk requests within the provider's limits (maxOperations, maxPayloadSize), and
 * each write gets its own answer back — its operations' statuses, read by the write itself.
 *
 * A write is a row of operations that go together (a new user and the groups it joins, by "bulkId:"
 * reference), never split between requests. A request is sent when it is full, or as soon as no
 * other write is being prepared (read, looked up) to join it. A 413 sends the batch again as two
 * halves (and packs later ones below that size), a write alone past it in requests of its own; a
 * provider that turns the request down as a whole (400, 404, 405, 501) gets each write alone (after a
 * 404, 405 or 501, every write from then on). A bulk whose answer is
 * lost is NOT sent again: a PUT or DELETE is sent again alone (harmless), anything else is
 * `outcome_unknown`, which apply settles for a create by looking it up — never a second POST.
 */
export const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

export interface BulkOperation {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Under the SCIM root: "/Users", "/Groups/…". */
  path: string;
  bulkId: string;
  data?: unknown;
}

/** One operation's answer (§3.7.3); undefined when the provider's answer left it out. */
export interface BulkAnswer {
  status: number;
  location?: string;
  response?: unknown;
}

export interface BulkRow<T> {
  operations: BulkOperation[];
  /** The write's result from its operations' answers, in the order of `operations`. */
  settle(answers: ReadonlyArray<BulkAnswer | undefined>): Promise<T>;
  /** The same write without /Bulk: a batch of one, a write the provider would not take in a bulk. */
  alone(): Promise<T>;
  /** Sending it twice is harmless (PUT, DELETE): sent again alone when a bulk's answer is lost. */
  idempotent: boolean;
}

export interface BulkLimits {
  maxOperations: number;
  maxPayloadSize: number;
}

export interface BatcherOptions {
  label: string;
  limits: BulkLimits;
  /** POST /Bulk with this body; a 413 (and a refusal of the whole: 400, 404, 405, 501) answered, not thrown. */
  send(body: unknown): Promise<HttpResponse>;
  /** Writes prepared at once (reads and lookups before a write): the connection's concurrency. */
  preparing: number;
  fieldErrors(body: unknown): FieldError[];
  secrets(): readonly string[];
}

/** Statuses that turn the request down as a whole: each write is sent alone. */
export const REFUSED = [400, 404, 405, 501];
/** What a bulk request's envelope adds to its operations, in bytes: with room to spare. */
const ENVELOPE = 200;

interface Pending {
  row: BulkRow<unknown>;
  bytes: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export class Batcher {
  private queue: Pending[] = [];
  private ops = 0;
  private bytes = 0;
  /** Writes being prepared, which may still join the queue (those waiting for a slot included). */
  private busy = 0;
  /** Preparations running: at most `preparing`; the next one waiting takes a slot as it is freed. */
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private scheduled = false;
  /** The provider turned /Bulk down as a whole (404, 405, 501): every write goes alone from now on. */
  private off = false;
  private readonly limits: BulkLimits;

  constructor(private readonly options: BatcherOptions) {
    this.limits = { ...options.limits };
  }

  /** Prepares a write (at most `preparing` at once), then sends it in the next bulk request: its result. */
  async submit<T>(prepare: () => Promise<BulkRow<T>>): Promise<T> {
    this.busy++;
    let row: BulkRow<T>;
    try {
      await this.slot();
      try {
        row = await prepare();
      } finally {
        this.release();
      }
    } finally {
      this.busy--;
      this.schedule();
    }
    // Nothing to send (an update whose values the provider already has): done here.
    if (row.operations.length === 0) return row.settle([]);
    return new Promise<T>((resolve, reject) => this.add({ row: row as BulkRow<unknown>, bytes: Buffer.byteLength(JSON.stringify(row.operations)) + 1, resolve: resolve as (v: unknown) => void, reject }));
  }

  private async slot(): Promise<void> {
    if (this.active < Math.max(1, this.options.preparing)) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  private add(pending: Pending): void {
    const { maxOperations, maxPayloadSize } = this.limits;
    const size = pending.row.operations.length;
    if (this.off || size > maxOperations || pending.bytes + ENVELOPE > maxPayloadSize) return void this.sendAll([pending]);
    if (this.ops + size > maxOperations || this.bytes + pending.bytes + ENVELOPE > maxPayloadSize) this.flush();
    this.queue.push(pending);
    this.ops += size;
    this.bytes += pending.bytes;
    if (this.ops >= maxOperations) this.flush();
    else this.schedule();
  }

  /** Sends what is queued once nothing more is being prepared to join it. */
  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.busy === 0) this.flush();
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.ops = 0;
    this.bytes = 0;
    if (batch.length) void this.sendAll(batch);
  }

  private async sendAll(batch: Pending[]): Promise<void> {
    if (this.off) return this.alone(batch);
    const operations = batch.flatMap((p) => p.row.operations);
    let res: HttpResponse;
    try {
      res = await this.options.send({ schemas: [BULK_REQUEST], Operations: operations });
    } catch (error) {
      return this.lost(batch, error);
    }
    if (res.status === 413) {
      if (batch.length === 1) return this.alone(batch);
      // Too large for the provider, whatever it advertised: later requests stay below this one.
      const bytes = batch.reduce((n, p) => n + p.bytes, ENVELOPE);
      this.limits.maxPayloadSize = Math.min(this.limits.maxPayloadSize, bytes - 1);
      const half = Math.ceil(batch.length / 2);
      await Promise.all([this.sendAll(batch.slice(0, half)), this.sendAll(batch.slice(half))]);
      return;
    }
    if (REFUSED.includes(res.status)) {
      if (res.status !== 400) this.off = true;
      return this.alone(batch);
    }
    let answers: Array<BulkAnswer | undefined>;
    try {
      answers = answersOf(res, operations);
    } catch (error) {
      return this.lost(batch, error);
    }
    let at = 0;
    for (const p of batch) {
      const mine = answers.slice(at, (at += p.row.operations.length));
      p.row.settle(mine).then(p.resolve, p.reject);
    }
  }

  private alone(batch: Pending[]): void {
    for (const p of batch) p.row.alone().then(p.resolve, p.reject);
  }

  /** No usable answer: a lost one leaves each write's outcome unknown (a PUT or DELETE is sent again alone); any other failure is each write's. */
  private lost(batch: Pending[], error: unknown): void {
    for (const p of batch) {
      if (error instanceof RemoteError && error.kind === 'outcome_unknown' && p.row.idempotent) p.row.alone().then(p.resolve, p.reject);
      else p.reject(error);
    }
  }

  /** One operation's failure as the RemoteError its own request would have given. */
  failure(op: BulkOperation, answer: BulkAnswer | undefined): RemoteError {
    const where = `${this.options.label}: ${op.method} ${op.path} in a bulk request`;
    if (!answer) return new RemoteError('outcome_unknown', `${where}: the answer left this operation out; it may or may not have been applied`, undefined);
    const secrets = this.options.secrets();
    const body = answer.response as { detail?: unknown } | undefined;
    const detail = redact(typeof body?.detail === 'string' ? body.detail : JSON.stringify(answer.response ?? ''), secrets).slice(0, 300);
    const fieldErrors = answer.status === 400 || answer.status === 422 ? this.options.fieldErrors(answer.response).map((e) => ({ field: redact(e.field, secrets), message: redact(e.message, secrets) })) : [];
    return new RemoteError(kindOf(answer.status), `${where}: ${answer.status}${detail ? `: ${detail}` : ''}`, answer.status, fieldErrors);
  }
}

/** What a status in an operation's answer means, as the HTTP client reads the same status on its own. */
function kindOf(status: number): RemoteErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 400 || status === 422) return 'validation';
  if (status === 404) return 'not_found';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 429) return 'rate_limited';
  // A 502 or 504 inside an answer: something between gave up while the provider may have gone on.
  if (status === 502 || status === 504) return 'outcome_unknown';
  if (status >= 500) return 'unavailable';
  return 'unexpected';
}

/** Statuses that say an operation was not performed at all: it may be sent again. */
export const NOT_PERFORMED = new Set([429, 503]);

/**
 * Each operation's answer, in the order of the request: found by its bulkId (every operation here
 * carries one), else by place when the provider answers in order without bulkIds.
 */
function answersOf(res: HttpResponse, operations: readonly BulkOperation[]): Array<BulkAnswer | undefined> {
  // A body that is not a BulkResponse (a sign-in page …) stops the run, as for any other answer (answer.ts).
  const { list } = arrayIn(res, 'Operations', 'a SCIM BulkResponse (JSON with an Operations array)');
  const byBulkId = new Map(list.filter((a) => typeof a.bulkId === 'string').map((a) => [a.bulkId as string, a]));
  return operations.map((op, i) => {
    const placed = list[i];
    const a = byBulkId.get(op.bulkId) ?? (placed && placed.bulkId === undefined && String(placed.method ?? '').toUpperCase() === op.method ? placed : undefined);
    const status = Number(a?.status);
    if (!a || !Number.isInteger(status)) return undefined;
    return { status, ...(typeof a.location === 'string' ? { location: a.location } : {}), ...(a.response !== undefined ? { response: a.response } : {}) };
  });
}
