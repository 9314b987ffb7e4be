import { afterAll, beforeAll } from 'vitest';
import { startEmbedded, type RunningSandbox, type SeededSandboxOptions } from '../../src/app/embedded-sandbox.js';
import type { Connection } from '../../src/core/ports.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { seededRandom } from '../../src/sandbox/platforms/unified/employees.js';

/** Starts a sandbox seeded as the embedded one is, on a free port, for the tests of one file; stops it after them. */
export function useSandbox(options: SeededSandboxOptions = {}): () => Sandbox {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = (await startEmbedded({ port: 0, ...options })).sandbox;
  });
  afterAll(async () => {
    await sandbox?.stop();
  });
  return () => sandbox!;
}

/** The embedded sandbox's accessplanit, opened as the connection a plan writes to, for the tests of one file; closed and stopped after them. */
export function useEmbeddedLms(): () => Connection {
  let running: RunningSandbox | undefined;
  let lms: Connection | undefined;
  beforeAll(async () => {
    running = await startEmbedded({ port: 0 });
    lms = (await running.open('accessplanit', 'lms')).target;
  });
  afterAll(async () => {
    await lms?.close();
    await running?.stop();
  });
  return () => lms!;
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of many shapes
}

export async function call(url: string, init: RequestInit & { json?: unknown } = {}): Promise<Reply> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const res = await fetch(url, { ...init, headers, body: body ?? null });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export const AP_KEY = { authorization: 'Bearer sandbox-key' };


/** A seeded generator, so injected faults fall the same way on every run. */
export const seeded = seededRandom;
