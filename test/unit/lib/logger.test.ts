/**
 * functions/lib/logger.ts: the invocation's keys go on every line written while they are
 * set, as Powertools' appendKeys put them, and on none after.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '#lib/logger.ts';

const level = logger.getLevelName();

beforeEach(() => logger.setLogLevel('INFO'));

afterEach(() => {
  logger.clearInvocationKeys();
  logger.setLogLevel(level);
  vi.restoreAllMocks();
});

/** The JSON lines the logger writes while `fn` runs. */
function written(fn: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    fn();
  } finally {
    vi.restoreAllMocks();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('invocation keys', () => {
  it('are on every line written while set, before the line’s own fields', () => {
    logger.setInvocationKeys({ correlationId: 'corr-1', requestId: 'req-1' });
    const lines = written(() => {
      logger.info('first', { routeKey: 'GET /x' });
      logger.warn('second');
      logger.error('third', new Error('boom'));
    });
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatchObject({ correlationId: 'corr-1', requestId: 'req-1', service: expect.any(String) });
    expect(lines[0]).toMatchObject({ level: 'INFO', message: 'first', routeKey: 'GET /x' });
    const keys = Object.keys(lines[0]!);
    expect(keys.indexOf('correlationId')).toBeLessThan(keys.indexOf('routeKey'));
    expect(lines[2]).toMatchObject({ message: 'third', error: expect.objectContaining({ message: 'boom' }) });
  });

  it('lose to a field of the same name on the line itself', () => {
    logger.setInvocationKeys({ correlationId: 'corr-1' });
    const [line] = written(() => logger.warn('override', { correlationId: 'explicit' }));
    expect(line).toMatchObject({ correlationId: 'explicit' });
  });

  it('are replaced by the next invocation’s and gone once cleared', () => {
    logger.setInvocationKeys({ correlationId: 'corr-1', requestId: 'req-1' });
    logger.setInvocationKeys({ task: 'assignPanel' });
    const [replaced] = written(() => logger.warn('next'));
    expect(replaced).toMatchObject({ task: 'assignPanel' });
    expect(replaced).not.toHaveProperty('correlationId');
    logger.clearInvocationKeys();
    const [cleared] = written(() => logger.warn('after'));
    expect(cleared).not.toHaveProperty('task');
    expect(cleared).toMatchObject({ message: 'after' });
  });

  it('write nothing below the level', () => {
    logger.setLogLevel('WARN');
    logger.setInvocationKeys({ correlationId: 'corr-1' });
    expect(written(() => logger.info('quiet'))).toEqual([]);
  });
});
