/** The parts of s3rver 3.x (CommonJS, no bundled types) that the local runtime uses. */
declare module 's3rver' {
  import type { EventEmitter } from 'node:events';
  import type { AddressInfo } from 'node:net';
  import type { Server } from 'node:http';

  export interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  /** The event s3rver emits for PUT, POST, COPY and DELETE (close to, not exactly, an S3 notification). */
  export interface S3rverEvent {
    Records: {
      eventName: string;
      eventTime: string;
      requestParameters: { sourceIPAddress: string };
      responseElements: Record<string, string>;
      s3: {
        bucket: { name: string; ownerIdentity: { principalId: string } };
        object: { key: string; size?: number; eTag?: string; sequencer: string };
      };
    }[];
  }

  /** The Koa context of one request, as far as the local runtime reads it. */
  export interface S3rverContext {
    method: string;
    path: string;
    get(header: string): string;
  }

  export default class S3rver extends EventEmitter {
    constructor(options?: S3rverOptions);
    /** Koa's middleware list; composed when the server starts listening. */
    middleware: ((ctx: S3rverContext, next: () => Promise<void>) => Promise<void>)[];
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    httpServer?: Server;
    on(event: 'event', listener: (event: S3rverEvent) => void): this;
    on(event: string | symbol, listener: (...args: unknown[]) => void): this;
  }
}

declare module 's3rver/lib/models/account.js' {
  interface AWSAccount {
    createKeyPair(accessKeyId: string, secretAccessKey: string): void;
  }
  const account: { DUMMY_ACCOUNT: AWSAccount };
  export default account;
}

declare module 's3rver/lib/models/error.js' {
  /** An S3 error; s3rver renders it as S3's XML error body with its HTTP status. */
  export default class S3Error extends Error {
    constructor(code: string, message: string, detail?: Record<string, string>);
  }
}
