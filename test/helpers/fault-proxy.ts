import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What the proxy does with one request. */
export type ProxyAction =
  | 'pass'
  /** Forward it, let the server commit, then drop the connection: the client never hears. */
  | 'reset-after'
  /** Drop the connection before forwarding: nothing happens upstream. */
  | 'reset-before'
  /** Answer this instead of forwarding. */
  | { status: number; body?: unknown; headers?: Record<string, string> };

/** A request as the rule sees it: enough to answer with what a careless server would echo back. */
export interface ProxyRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Requests seen before this one since the rule was set. */
  index: number;
}

export interface SeenRequest {
  method: string;
  path: string;
  action: ProxyAction;
}

export interface FaultProxy {
  /** The proxy's origin: point a client's baseUrl at it instead of the server's. */
  origin: string;
  /** Rewrites a server URL to go through the proxy. */
  via(url: string): string;
  /** Decides each request from now on (default: pass everything); `seen` starts afresh. */
  setRule(rule: (req: ProxyRequest) => ProxyAction): void;
  seen: SeenRequest[];
  stop(): Promise<void>;
}

/**
 * A fault-injecting HTTP proxy in front of any server — our emulator or a real one (scimmy) — so
 * the same faults reach every connector: a lost answer after commit, a reset before, or a status
 * answered in the server's place.
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  let rule: (req: ProxyRequest) => ProxyAction = () => 'pass';
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const action = rule({ method, path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), index: seen.length });
      seen.push({ method, path, action });
      if (action === 'reset-before') return req.socket.destroy();
      if (typeof action === 'object') {
        const text = action.body === undefined ? '' : typeof action.body === 'string' ? action.body : JSON.stringify(action.body);
        res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers });
        return res.end(text);
      }
      const headers = { ...req.headers, host: target.host };
      const forward = httpRequest({ hostname: target.hostname, port: target.port, method, path, headers }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (c: Buffer) => body.push(c));
        answer.on('end', () => {
          if (action === 'reset-after') return req.socket.destroy();
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(body));
        });
      });
      forward.on('error', () => req.socket.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address() as { port: number };
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    origin,
    via: (url) => {
      const u = new URL(url);
      return `${origin}${u.pathname === '/' ? '' : u.pathname}${u.search}`;
    },
    setRule(next) {
      rule = next;
      seen.length = 0;
    },
    seen,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
