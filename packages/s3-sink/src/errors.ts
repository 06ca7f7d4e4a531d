/** Base of the sink's errors: a stable code for logs and alarms, and the underlying cause. */
export abstract class SinkError extends Error {
  abstract readonly code: string;
}

/** The environment is missing or has a malformed setting; raised at start, never per batch. */
export class SinkConfigError extends SinkError {
  readonly code = "SINK_CONFIG_INVALID";
  constructor(message: string) {
    super(message);
    this.name = "SinkConfigError";
  }
}

/** One object could not be written. */
export class ObjectStoreError extends SinkError {
  readonly code = "SINK_OBJECT_WRITE_FAILED";
  constructor(
    readonly key: string,
    options: { cause: unknown },
  ) {
    super(`could not write ${key}: ${errorMessage(options.cause)}`, options);
    this.name = "ObjectStoreError";
  }
}

/**
 * Some topic-partitions of a batch could not be written. Thrown when partial batch responses are off,
 * so that Lambda (or the local runner) retries the batch; the retry rewrites the same keys.
 */
export class SinkWriteError extends SinkError {
  readonly code = "SINK_BATCH_WRITE_FAILED";
  constructor(readonly failures: readonly ObjectStoreError[]) {
    super(`${failures.length} object write(s) failed; first: ${failures[0]?.message ?? "?"}`, {
      cause: failures[0],
    });
    this.name = "SinkWriteError";
  }
}

/** A record's offset is not a non-negative safe integer, so no object key can be built from it. */
export class InvalidOffsetError extends SinkError {
  readonly code = "SINK_INVALID_OFFSET";
  constructor(offset: unknown) {
    super(`a Kafka offset must be a non-negative integer; got ${String(offset)}`);
    this.name = "InvalidOffsetError";
  }
}

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
