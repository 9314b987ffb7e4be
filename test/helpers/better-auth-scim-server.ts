import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { scim } from '@better-auth/scim';
import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { getAuthTables } from 'better-auth/db';
import { toNodeHandler } from 'better-auth/node';

/**
 * A second real SCIM 2.0 service provider that no one on the team wrote: Better Auth's SCIM plugin
 * (@better-auth/scim), as it ships, on 127.0.0.1. This file only makes what the plugin needs to run —
 * a Better Auth instance, its database (the in-memory adapter Better Auth ships for tests, which has
 * the native transactions the plugin insists on) and one code-defined provisioning connection holding
 * the bearer token — and never touches a request or an answer. Unlike scimmy's wiring, every attribute
 * (a user's lack of `groups` included) is the plugin's own.
 */
export interface BetterAuthScimServer {
  /** The SCIM root a client configures: http://127.0.0.1:PORT/api/auth/scim/v2. */
  url: string;
  stop(): Promise<void>;
}

/** Better Auth's default mount point; the plugin's endpoints are /scim/v2/… under it. */
const BASE_PATH = '/api/auth';

function makeAuth(origin: string, token: string) {
  const options = {
    baseURL: origin,
    basePath: BASE_PATH,
    secret: randomBytes(32).toString('hex'),
    telemetry: { enabled: false },
    // The contract's rate limit is the fault proxy's 429; Better Auth's own limiter is off, as in its tests.
    rateLimit: { enabled: false },
    logger: { level: 'error' as const },
    plugins: [scim({ connections: [{ id: 'hrsync-contract', credentials: [{ type: 'bearer' as const, id: 'contract', token }] }] })],
  };
  // One empty table per model Better Auth and the plugin declare: the memory adapter's database.
  const db: Record<string, unknown[]> = Object.fromEntries(Object.values(getAuthTables(options)).map((table) => [table.modelName, []]));
  return betterAuth({ ...options, database: memoryAdapter(db) });
}

/** Starts Better Auth's SCIM service provider on 127.0.0.1 (a free port), accepting `Bearer <token>` only. */
export async function startBetterAuthScimServer({ token }: { token: string }): Promise<BetterAuthScimServer> {
  let handle: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createServer((req, res) => void handle!(req, res));
    s.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  // Made once the port is known, so the meta.location and $ref URLs it answers are its real ones.
  handle = toNodeHandler(makeAuth(origin, token));
  return {
    url: `${origin}${BASE_PATH}/scim/v2`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
