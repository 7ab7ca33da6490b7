import http from 'node:http';
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../../../infra/local/ports.ts';

const servers: net.Server[] = [];
const server = () => {
  const s = http.createServer((_, res) => res.end('ok'));
  servers.push(s);
  return s;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('listen', () => {
  it('answers a base URL clients can reach, for loopback, wildcard and IPv6 hosts', async () => {
    for (const [host, expected] of [
      [undefined, '127.0.0.1'],
      ['0.0.0.0', '127.0.0.1'],
      ['::1', '[::1]'],
      ['::', '[::1]'],
    ] as const) {
      const { port, endpoint } = await listen(server(), { host });
      expect(endpoint).toBe(`http://${expected}:${port}`);
      expect(await (await fetch(endpoint)).text()).toBe('ok');
    }
  });

  it('names a taken port and what to do, and leaves later errors to the server', async () => {
    const first = server();
    const { port } = await listen(first, {});
    expect(first.listenerCount('error')).toBe(0);
    await expect(listen(server(), { port, inUseHint: 'pass --port' })).rejects.toThrow(
      `Port ${port} is in use; stop what uses it or pass --port`,
    );
  });
});
