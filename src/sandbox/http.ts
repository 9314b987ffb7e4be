import type { IncomingMessage, ServerResponse } from 'node:http';

/** One request as the platform handlers see it: parsed URL, method, headers, and the raw body. */
export interface SandboxRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What a handler answers: a status, a JSON (or text) body, extra headers. */
export interface SandboxResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Set by handlers that changed state, so the server persists it and faults can strike after commit. */
  wrote?: boolean;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse => ({ status, body, headers });

/** The body as text, read by its events (an async iterator costs more than the read of a small body); one over `limit` stops the request. */
export function readBody(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      reject(new Error('request body too large'));
      req.destroy();
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
    req.once('close', () => reject(new Error('the request was cut off'))); // after 'end' too: then it changes nothing
  });
}

export function send(res: ServerResponse, response: SandboxResponse): void {
  const text = response.body === undefined ? '' : typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  const headers: Record<string, string | number> = { 'content-length': Buffer.byteLength(text), ...response.headers };
  if (response.body !== undefined && typeof response.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json; charset=utf-8';
  res.writeHead(response.status, headers);
  res.end(text);
}

/** Parses a JSON body; undefined when it is not JSON (handlers answer 400). */
export function parseJson(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A value as text: strings as they are, null and undefined as "". */
export const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));

/** Each list of field names in lower case, made once per list (the platforms' lists are constants). */
const lowered = new WeakMap<readonly string[], readonly string[]>();

/** The fields of a body a platform stores, matched ignoring case (as .NET and Rails model binders do); the first key in the body's order wins. */
export function pickFields(body: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const keys = new Map<string, string>();
  for (const key of Object.keys(body)) {
    const lower = key.toLowerCase();
    if (!keys.has(lower)) keys.set(lower, key);
  }
  let lower = lowered.get(fields);
  if (!lower) lowered.set(fields, (lower = fields.map((f) => f.toLowerCase())));
  const out: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) {
    const key = keys.get(lower[i]!);
    if (key !== undefined) out[fields[i]!] = body[key];
  }
  return out;
}

/**
 * The e-mail check a typical server applies (something@something.tld, no spaces): deliberately not
 * hrsync's own, so the two can disagree and a test notices.
 */
export const SERVER_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
