/** Free TCP ports for servers that cannot listen on port 0 themselves (DynamoDB Local). */
import net from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('Could not find a free port'))));
    });
  });
}

/** Port number a server bound to, e.g. after listening on port 0. */
export function boundPort(address: string | net.AddressInfo | null): number {
  if (address && typeof address === 'object') return address.port;
  throw new Error(`Server is not listening on a TCP port (${String(address)})`);
}
