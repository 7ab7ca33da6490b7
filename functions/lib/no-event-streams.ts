/**
 * Bundling alias target for `@smithy/core/event-streams`.
 *
 * Event streams are only serialized for operations whose input or output has an
 * event-stream member (S3 SelectObjectContent, Lambda InvokeWithResponseStream, ...).
 * pathcert calls none: DynamoDB, Step Functions, EventBridge and SESv2 have no such
 * operation, and of S3 we use object, POST-policy and presign operations only. The real
 * module is still reached by esbuild because HttpProtocol imports it dynamically and the
 * S3 client wires its marshaller at construction, which costs ~15 KB per bundle. This stub
 * keeps the construction-time wiring and fails loudly if an event stream is ever used,
 * rather than misbehaving silently. Only the bundler uses this file; tests and the local
 * runtime run the real module.
 */
const unsupported = (what: string): never => {
  throw new Error(`${what}: event streams are not bundled (see functions/lib/no-event-streams.ts)`);
};

class Unsupported {
  constructor() {
    unsupported('@smithy/core/event-streams');
  }
}

/** The client configs call this at construction; the marshaller fails only when used. */
export const eventStreamSerdeProvider = (_options: unknown) => ({
  serialize: () => unsupported('EventStreamMarshaller.serialize'),
  deserialize: () => unsupported('EventStreamMarshaller.deserialize'),
});
export const universalEventStreamSerdeProvider = eventStreamSerdeProvider;

/** Same contract as the real resolver: the config gains the provider's marshaller. */
export const resolveEventStreamSerdeConfig = <T extends { eventStreamSerdeProvider: (input: T) => unknown }>(input: T) =>
  Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });

export {
  Unsupported as EventStreamSerde,
  Unsupported as EventStreamCodec,
  Unsupported as HeaderMarshaller,
  Unsupported as Int64,
  Unsupported as MessageDecoderStream,
  Unsupported as MessageEncoderStream,
  Unsupported as SmithyMessageDecoderStream,
  Unsupported as SmithyMessageEncoderStream,
  Unsupported as EventStreamMarshaller,
  Unsupported as UniversalEventStreamMarshaller,
};
export const readableStreamToIterable = () => unsupported('readableStreamToIterable');
export const iterableToReadableStream = () => unsupported('iterableToReadableStream');
export const getChunkedStream = () => unsupported('getChunkedStream');
export const getUnmarshalledStream = () => unsupported('getUnmarshalledStream');
export const getMessageUnmarshaller = () => unsupported('getMessageUnmarshaller');
