import { isObject, parseJson, str, type SandboxResponse } from '../../http.js';

/**
 * POST /Bulk (RFC 7644 §3.7), written from the RFC: many writes in one request, each handled as the
 * single request it stands for would be (the same checks, the same statuses: a taken userName is a
 * 409 in its operation's answer), the others carrying on (§3.7: "continue performing as many changes
 * as possible"). Limits (§3.7.4): a body over maxPayloadSize or more than maxOperations operations is
 * 413, nothing done. `failOnErrors` stops after that many failed operations; the answer lists those
 * handled. A POST's `bulkId` names the new resource: "bulkId:<id>" anywhere in a later operation's path
 * or data (a group's members) is its id (§3.7.2); a reference to a POST later in the request runs
 * that POST first, and one that cannot be resolved (unknown, failed, a circle) is a 409.
 */
export const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

export interface BulkLimits {
  maxOperations: number;
  maxPayloadSize: number;
}

/** One write as the single endpoints handle it: method, path under the SCIM root ("/Users/…"), body. */
export type HandleOne = (method: string, path: string, body: unknown) => SandboxResponse;
type Fail = (status: number, detail: string, scimType?: string) => SandboxResponse;

interface Operation {
  method: string;
  path: string;
  bulkId?: string;
  version?: unknown;
  data?: unknown;
}

const METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** A value that is a reference ("bulkId:qwerty"), or a path that ends in one ("/Users/bulkId:qwerty"). */
const REFERENCE = /^bulkId:(.+)$/;
const PATH_REFERENCE = /\/bulkId:([^/]+)$/;

/** The bulkIds a value refers to: every string "bulkId:<id>" in it. */
function references(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    const m = REFERENCE.exec(value);
    if (m) out.add(m[1]!);
  } else if (Array.isArray(value)) for (const v of value) references(v, out);
  else if (isObject(value)) for (const v of Object.values(value)) references(v, out);
  return out;
}

/** The value with each "bulkId:<id>" replaced by the id it stands for. */
function resolved(value: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') {
    const m = REFERENCE.exec(value);
    return m && ids.has(m[1]!) ? ids.get(m[1]!) : value;
  }
  if (Array.isArray(value)) return value.map((v) => resolved(v, ids));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolved(v, ids)]));
  return value;
}

/** The operations of a BulkRequest, or the 400 that says what is wrong with it. */
function parse(body: string, fail: Fail): { operations: Operation[]; failOnErrors: number | undefined } | SandboxResponse {
  const request = parseJson(body);
  if (!isObject(request)) return fail(400, 'The request body must be a JSON object', 'invalidSyntax');
  if (!Array.isArray(request.schemas) || !request.schemas.includes(BULK_REQUEST)) return fail(400, `schemas must include ${BULK_REQUEST}`, 'invalidSyntax');
  const failOnErrors = request.failOnErrors;
  if (failOnErrors !== undefined && !(Number.isInteger(failOnErrors) && (failOnErrors as number) > 0)) return fail(400, 'failOnErrors must be a whole number, 1 or more', 'invalidValue');
  if (!Array.isArray(request.Operations)) return fail(400, 'Operations must be an array', 'invalidSyntax');
  const operations: Operation[] = [];
  const bulkIds = new Set<string>();
  for (const [i, raw] of request.Operations.entries()) {
    if (!isObject(raw)) return fail(400, `Operations[${i}] must be an object`, 'invalidSyntax');
    const method = str(raw.method).toUpperCase();
    if (!METHODS.has(method)) return fail(400, `Operations[${i}].method must be POST, PUT, PATCH or DELETE`, 'invalidSyntax');
    if (typeof raw.path !== 'string' || !raw.path.startsWith('/')) return fail(400, `Operations[${i}].path must be a path such as "/Users"`, 'invalidPath');
    if (method === 'POST' && (typeof raw.bulkId !== 'string' || !raw.bulkId)) return fail(400, `Operations[${i}]: a POST needs a bulkId`, 'invalidValue');
    if (typeof raw.bulkId === 'string') {
      if (bulkIds.has(raw.bulkId)) return fail(400, `bulkId "${raw.bulkId}" is used twice`, 'uniqueness');
      bulkIds.add(raw.bulkId);
    }
    operations.push({ method, path: raw.path, ...(typeof raw.bulkId === 'string' ? { bulkId: raw.bulkId } : {}), ...(raw.version !== undefined ? { version: raw.version } : {}), data: raw.data });
  }
  return { operations, failOnErrors: failOnErrors as number | undefined };
}

/** Handles POST /Bulk: limits first (413, nothing done), then each operation. `wrote` when any operation did. */
export function bulk(body: string, limits: BulkLimits, handle: HandleOne, fail: Fail): SandboxResponse {
  const size = Buffer.byteLength(body);
  if (size > limits.maxPayloadSize) return fail(413, `The size of the bulk operation (${size} bytes) exceeds the maxPayloadSize (${limits.maxPayloadSize}).`);
  const parsed = parse(body, fail);
  if ('status' in parsed) return parsed;
  const { operations, failOnErrors } = parsed;
  if (operations.length > limits.maxOperations) return fail(413, `The number of operations (${operations.length}) exceeds the maxOperations (${limits.maxOperations}).`);
  const run = new BulkRun(operations, handle, fail);
  for (let i = 0; i < operations.length && !(failOnErrors !== undefined && run.errors >= failOnErrors); i++) run.perform(i);
  return { status: 200, body: { schemas: [BULK_RESPONSE], Operations: run.answers() }, headers: { 'content-type': 'application/scim+json' }, wrote: run.wrote };
}

/** One request's operations as they are performed: which are done, the ids their bulkIds stand for. */
class BulkRun {
  private readonly ids = new Map<string, string>();
  private readonly byBulkId = new Map<string, number>();
  private readonly state: Array<'pending' | 'running' | Record<string, unknown>> = [];
  /** Answers in the order the operations were performed. */
  private readonly order: Array<Record<string, unknown>> = [];
  errors = 0;
  wrote = false;

  constructor(
    private readonly operations: Operation[],
    private readonly handle: HandleOne,
    private readonly fail: Fail,
  ) {
    operations.forEach((op, i) => {
      this.state.push('pending');
      if (op.method === 'POST' && op.bulkId) this.byBulkId.set(op.bulkId, i);
    });
  }

  answers(): Array<Record<string, unknown>> {
    return this.order;
  }

  /** Performs operation i once, after the POSTs it refers to (§3.7.2). */
  perform(i: number): void {
    if (this.state[i] !== 'pending') return;
    this.state[i] = 'running';
    const op = this.operations[i]!;
    const refs = references(op.data);
    const inPath = PATH_REFERENCE.exec(op.path)?.[1];
    if (inPath) refs.add(inPath);
    let unresolved: string | undefined;
    for (const ref of refs) {
      const j = this.byBulkId.get(ref);
      if (j === undefined) unresolved ??= `bulkId "${ref}" names no POST of this request`;
      else if (this.state[j] === 'running') unresolved ??= `bulkId "${ref}" is part of a circle of references`;
      else this.perform(j);
      if (j !== undefined && !this.ids.has(ref)) unresolved ??= `bulkId "${ref}" names a POST that failed`;
    }
    const response = unresolved ? this.fail(409, unresolved, 'invalidValue') : this.handle(op.method, inPath ? op.path.replace(PATH_REFERENCE, `/${this.ids.get(inPath)!}`) : op.path, resolved(op.data, this.ids));
    const created = op.method === 'POST' && response.status === 201 && isObject(response.body) ? str(response.body.id) : '';
    if (created && op.bulkId) this.ids.set(op.bulkId, created);
    if (response.wrote) this.wrote = true;
    if (response.status >= 400) this.errors++;
    this.state[i] = this.answer(op, response);
    this.order.push(this.state[i] as Record<string, unknown>);
  }

  /** An operation's answer (§3.7.3): location on success, the error as `response` on failure, status as a string. */
  private answer(op: Operation, response: SandboxResponse): Record<string, unknown> {
    const body = isObject(response.body) ? response.body : undefined;
    const location = response.headers?.location ?? (isObject(body?.meta) ? str(body.meta.location) : '');
    return {
      method: op.method,
      ...(op.bulkId ? { bulkId: op.bulkId } : {}),
      ...(op.version !== undefined ? { version: op.version } : {}),
      ...(location && response.status < 400 ? { location } : {}),
      status: String(response.status),
      ...(response.status >= 400 && body ? { response: body } : {}),
    };
  }
}
