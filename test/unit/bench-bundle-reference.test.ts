/**
 * The bundle bench's SDK reference (bench/bundles.ts): a function is compared with a bundle
 * of exactly the SDK its own bundle holds, so the reference must take every client, command
 * and presigner with bytes in the output, and nothing esbuild shook out.
 */
import { describe, expect, it } from 'vitest';
import { referenceSource } from '../../bench/bundles.ts';

const held = (...files: string[]) => Object.fromEntries(files.map((f) => [f, { bytesInOutput: 100 }]));
const shaken = (...files: string[]) => Object.fromEntries(files.map((f) => [f, { bytesInOutput: 0 }]));

describe("the bundle bench's SDK reference", () => {
  it('imports the clients, commands and presigners the bundle holds', () => {
    const source = referenceSource({
      ...held(
        'functions/store/db.ts',
        'node_modules/@aws-sdk/lib-dynamodb/dist-es/commands/GetCommand.js',
        'node_modules/@aws-sdk/lib-dynamodb/dist-es/commands/utils.js',
        'node_modules/@aws-sdk/client-dynamodb/dist-es/commands/GetItemCommand.js',
        'node_modules/@aws-sdk/client-s3/dist-es/commands/PutObjectCommand.js',
        'node_modules/@aws-sdk/s3-presigned-post/dist-es/createPresignedPost.js',
        'node_modules/@aws-sdk/s3-presigned-post/dist-es/constants.js',
      ),
      ...shaken('node_modules/@aws-sdk/client-sfn/dist-es/commands/StartExecutionCommand.js'),
    });
    expect(source.split('\n')).toEqual([
      "import { dynamoClient, s3Client } from './functions/lib/aws-clients.ts';",
      "import { GetItemCommand } from '@aws-sdk/client-dynamodb';",
      "import { PutObjectCommand } from '@aws-sdk/client-s3';",
      "import { GetCommand } from '@aws-sdk/lib-dynamodb';",
      "import { createPresignedPost } from '@aws-sdk/s3-presigned-post';",
      'export const handler = async () => [dynamoClient(), s3Client(), GetItemCommand, PutObjectCommand, GetCommand, createPresignedPost];',
      '',
    ]);
  });

  it('is the empty handler for a bundle without the SDK', () => {
    expect(referenceSource(held('functions/api/system/handler.ts', 'node_modules/zod/v4/core/core.js'))).toBe(
      'export const handler = async () => ({});\n',
    );
  });
});
