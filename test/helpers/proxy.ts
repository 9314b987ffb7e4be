import { once } from 'node:events';
import { createServer, request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

/** What a proxy was asked: CONNECT host:port (a tunnel), or a request in absolute form (forwarded). */
export interface Proxied {
  method: string;
  target: string;
  authorization: string | undefined;
}

export interface TestProxy {
  /** http://127.0.0.1:port */
  url: string;
  seen: Proxied[];
  close(): Promise<void>;
}

/**
 * A real forward proxy on 127.0.0.1, as corporate networks have: CONNECT tunnels (https://) and
 * absolute-form requests it forwards (http://). With `credentials` ("user:password") it answers 407 to
 * anyone without them; `tunnelTo` chooses where a tunnel really goes (e.g. a local TLS server
 * standing in for a host that does not resolve).
 */
export async function startProxy(options: { credentials?: string; tunnelTo?: (host: string, port: number) => { host: string; port: number } } = {}): Promise<TestProxy> {
  const seen: Proxied[] = [];
  const expected = options.credentials ? `Basic ${Buffer.from(options.credentials).toString('base64')}` : undefined;
  const server = createServer((req, res) => {
    const authorization = req.headers['proxy-authorization'];
    seen.push({ method: req.method!, target: req.url!, authorization });
    if (expected && authorization !== expected) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    const target = new URL(req.url!);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: target.pathname + target.search, headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  const tunnels = new Set<{ destroy(): void }>();
  server.on('connect', (req, socket, head) => {
    tunnels.add(socket);
    const authorization = req.headers['proxy-authorization'];
    seen.push({ method: 'CONNECT', target: req.url!, authorization });
    if (expected && authorization !== expected) {
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    const [host, port] = [req.url!.replace(/:\d+$/, ''), Number(/:(\d+)$/.exec(req.url!)?.[1] ?? 443)];
    const to = options.tunnelTo?.(host, port) ?? { host, port };
    const upstream = connect(to.port, to.host, () => {
      tunnels.add(upstream);
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    socket.on('error', () => upstream.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => {
      for (const socket of tunnels) socket.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
