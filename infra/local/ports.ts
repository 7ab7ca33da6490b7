/**
 * TCP ports of the local servers: a free port for servers that cannot listen on port 0
 * themselves (DynamoDB Local), and the listening step the emulators share.
 */
import net from 'node:net';

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  server.unref();
  const { port } = await listen(server, { host });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!port) throw new Error('Could not find a free port');
  return port;
}

/** Port number a server bound to, e.g. after listening on port 0. */
function boundPort(address: string | net.AddressInfo | null): number {
  if (address && typeof address === 'object') return address.port;
  throw new Error(`Server is not listening on a TCP port (${String(address)})`);
}

/**
 * Starts a local server listening (by default on 127.0.0.1 and a free port) and answers
 * the port it bound and the base URL clients use: a wildcard host (0.0.0.0, ::) is reached
 * on loopback, and an IPv6 host goes in brackets as URLs need.
 */
export async function listen(
  server: net.Server,
  options: { host?: string; port?: number; /** What to do when the port is taken, for the error message. */ inUseHint?: string },
): Promise<{ port: number; endpoint: string }> {
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${options.port} is in use; stop what uses it or ${options.inUseHint ?? 'choose another port'}`)
          : error,
      );
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => {
      // Later errors belong to the server's own listeners, not to this finished start.
      server.off('error', fail);
      resolve();
    });
  });
  const port = boundPort(server.address());
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return { port, endpoint: `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}` };
}
