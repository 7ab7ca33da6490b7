import { afterEach, describe, expect, it } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoClient, onClientCreated, resetClients } from '#lib/aws-clients.ts';

const names = () => (dynamoClient().middlewareStack as unknown as { identify(): string[] }).identify();

describe('onClientCreated', () => {
  afterEach(() => resetClients());

  it('hooks can be removed, so two users of one process can each add a middleware of the same name in turn (npm run bench)', () => {
    const add = (client: unknown) =>
      (client as DynamoDBClient).middlewareStack.add((next) => (args) => next(args), { step: 'initialize', name: 'benchRequestCounter' });
    const stopFirst = onClientCreated(add);
    expect(names().filter((n) => n.startsWith('benchRequestCounter'))).toHaveLength(1);
    stopFirst();
    resetClients();
    const stopSecond = onClientCreated(add);
    // Without the removal the SDK throws "Duplicate middleware name 'benchRequestCounter'" here.
    expect(names().filter((n) => n.startsWith('benchRequestCounter'))).toHaveLength(1);
    stopSecond();
    resetClients();
    expect(names().filter((n) => n.startsWith('benchRequestCounter'))).toHaveLength(0);
  });
});
