import { describe, expect, it } from 'vitest';
import { buildEvent, type GatewayRequest } from '../../../infra/local/api-gateway-event.ts';

const request = (o: Partial<GatewayRequest> = {}): GatewayRequest => ({
  method: 'GET',
  url: '/health',
  headers: { host: ['127.0.0.1:4000'] },
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  protocol: 'HTTP/1.1',
  ...o,
});
const received = new Date('2026-03-12T19:03:58Z');

describe('the payload 2.0 event', () => {
  it('has no authorizer, path parameters, query or body keys where AWS sends none', () => {
    const e = buildEvent(request(), { routeKey: 'GET /health', pathParameters: {} }, 'id-1', received);
    expect(e).not.toHaveProperty('pathParameters');
    expect(e).not.toHaveProperty('queryStringParameters');
    expect(e).not.toHaveProperty('body');
    expect(e).not.toHaveProperty('cookies');
    expect(e.requestContext).not.toHaveProperty('authorizer');
    expect(e.requestContext).toMatchObject({
      requestId: 'id-1',
      routeKey: 'GET /health',
      time: '12/Mar/2026:19:03:58 +0000',
      timeEpoch: received.getTime(),
    });
  });

  it('carries the path parameters and the flattened claims of a jwt route', () => {
    const e = buildEvent(
      request({ url: '/pathways/pw_1', headers: { host: ['127.0.0.1:4000'], authorization: ['Bearer t'] } }),
      {
        routeKey: 'GET /pathways/{pathwayId}',
        pathParameters: { pathwayId: 'pw_1' },
        claims: { sub: 'u1', 'cognito:groups': ['staff', 'reviewer'], exp: 2 },
      },
      'id-2',
      received,
    );
    expect(e.pathParameters).toEqual({ pathwayId: 'pw_1' });
    expect(e.requestContext).toMatchObject({
      authorizer: { jwt: { claims: { sub: 'u1', 'cognito:groups': '[staff reviewer]', exp: '2' }, scopes: null } },
    });
  });

  it('reads the port and the domain prefix of the Host header, IPv6 literals included', () => {
    const at = (host: string) =>
      buildEvent(request({ headers: { host: [host] } }), { routeKey: 'GET /health', pathParameters: {} }, 'id', received);
    expect(at('[::1]:3000').headers['x-forwarded-port']).toBe('3000');
    expect(at('[::1]:3000').requestContext.domainPrefix).toBe('[::1]');
    expect(at('localhost:4000').headers['x-forwarded-port']).toBe('4000');
    expect(at('localhost:4000').requestContext.domainPrefix).toBe('localhost');
    expect(at('api.example.org').headers['x-forwarded-port']).toBe('80');
    expect(at('api.example.org').requestContext.domainPrefix).toBe('api');
  });
});
