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

/** An object could not be written (or, for compaction, listed, read or deleted). */
export class ObjectStoreError extends SinkError {
  readonly code = "SINK_OBJECT_WRITE_FAILED";
  readonly operation: "put" | "list" | "get" | "delete";
  constructor(
    readonly key: string,
    options: { cause: unknown; operation?: "put" | "list" | "get" | "delete" },
  ) {
    const operation = options.operation ?? "put";
    super(`could not ${operation === "put" ? "write" : operation} ${key}: ${errorMessage(options.cause)}`, {
      cause: options.cause,
    });
    this.name = "ObjectStoreError";
    this.operation = operation;
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

/** Compaction was refused: the hour may still receive objects (see the compaction rule). */
export class CompactionTooEarlyError extends SinkError {
  readonly code = "SINK_COMPACTION_TOO_EARLY";
  constructor(
    readonly partition: string,
    readonly allowedFrom: Date,
  ) {
    super(
      `${partition} may still receive objects until ${allowedFrom.toISOString()} (hour end + late-event bound + delivery delay); pass --force to compact it anyway`,
    );
    this.name = "CompactionTooEarlyError";
  }
}

/** Compaction stopped without deleting anything, because what it read back did not match its inputs. */
export class CompactionVerificationError extends SinkError {
  readonly code = "SINK_COMPACTION_VERIFICATION_FAILED";
  constructor(message: string) {
    super(message);
    this.name = "CompactionVerificationError";
  }
}

/**
 * An input file cannot be compacted without losing data: it has columns this version does not know
 * (written by a newer contract), or it is not a readable Parquet file.
 */
export class CompactionInputError extends SinkError {
  readonly code = "SINK_COMPACTION_INPUT_REJECTED";
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
    this.name = "CompactionInputError";
  }
}

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
