import { RemoteError } from '../errors.js';
import type { HttpResponse } from '../http/client.js';

/**
 * The shape checks every connector puts on an answer it reads: a success (2xx) whose body is not the
 * JSON the platform answers — a sign-in page (SSO), a proxy's or maintenance page, a wrong baseUrl, a
 * JSON string or `null`, an object without the list — is never read as "nothing there". It is a
 * RemoteError ('unexpected_answer', exit 4) naming the request, the status and the content type, and
 * an apply stops at it like at refused credentials.
 */
export function unexpectedAnswer(res: HttpResponse, expected: string): RemoteError {
  const type = res.contentType ? res.contentType.split(';')[0]!.trim() : 'no content type';
  const what = !res.text ? 'an empty body' : res.json ? `JSON ${describeJson(res.body)}` : `${type}${res.excerpt ? ` ("${res.excerpt}")` : ''}`;
  return new RemoteError(
    'unexpected_answer',
    `${res.where}: answered ${res.status} with ${what}${res.json ? ` (${type})` : ''}, not ${expected}; hrsync reads nothing from it, and stops rather than take it for an empty or unchanged target`,
    res.status,
    [],
    'a sign-in page, a proxy’s or maintenance page, or a baseUrl that points elsewhere answers like this: check the target’s baseUrl, and what it shows from this machine (HRSYNC_DEBUG=http lists the requests)',
  );
}

function describeJson(body: unknown): string {
  if (body === null) return 'null';
  if (Array.isArray(body)) return `an array of ${body.length}`;
  if (typeof body === 'object') {
    const keys = Object.keys(body as object);
    return keys.length ? `an object with ${keys.slice(0, 5).map((k) => JSON.stringify(k)).join(', ')}${keys.length > 5 ? ' …' : ''}` : 'an empty object';
  }
  return `a ${typeof body}`;
}

const isObject = (body: unknown): body is Record<string, unknown> => typeof body === 'object' && body !== null && !Array.isArray(body);

/** The body as a JSON object (a record, a list's envelope), or the RemoteError above. */
export function jsonObject(res: HttpResponse, expected: string): Record<string, unknown> {
  if (res.json && isObject(res.body)) return res.body;
  throw unexpectedAnswer(res, expected);
}

/** The body as a JSON array of records (objects), or the RemoteError above. */
export function jsonArray(res: HttpResponse, expected: string): Array<Record<string, unknown>> {
  if (res.json && Array.isArray(res.body) && res.body.every(isObject)) return res.body;
  throw unexpectedAnswer(res, expected);
}

/** A JSON object's array of records under `field` (a list's page) and the object, or the RemoteError above. */
export function arrayIn(res: HttpResponse, field: string, expected: string): { list: Array<Record<string, unknown>>; body: Record<string, unknown> } {
  const body = jsonObject(res, expected);
  const list = body[field];
  if (!Array.isArray(list) || !list.every(isObject)) throw unexpectedAnswer(res, expected);
  return { list, body };
}

/**
 * The body of an answer to a write, when it has one: a JSON object, or undefined for an empty body
 * (204, or a 200 with nothing: the caller decides what a missing id means); anything else is the
 * RemoteError above.
 */
export function writeAnswer(res: HttpResponse, expected: string): Record<string, unknown> | undefined {
  if (!res.text.trim()) return undefined;
  return jsonObject(res, expected);
}

/** A JSON object's object under `field` (one record in its envelope), or the RemoteError above. */
export function objectIn(res: HttpResponse, field: string, expected: string): Record<string, unknown> {
  const inner = jsonObject(res, expected)[field];
  if (isObject(inner)) return inner;
  throw unexpectedAnswer(res, expected);
}
