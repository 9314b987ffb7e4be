import { createServer } from 'node:net';

/**
 * A port on the loopback address that was free a moment ago (taken, then released): for a server a
 * test starts on it, or as a port nothing listens on. Another process may take it meanwhile.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
