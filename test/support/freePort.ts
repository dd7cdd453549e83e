/**
 * A TCP port free on 127.0.0.1 now, for a test server that must be told its port up front (PostgreSQL,
 * Prometheus, a Backstage app): the kernel picks it by binding port 0, then the probe closes. Another
 * process could take it before the server binds; the servers that can bind port 0 themselves should.
 */
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    // The probe must never keep the test process alive.
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port from the kernel')),
      );
    });
  });
}
