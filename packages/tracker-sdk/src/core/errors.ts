/** What went wrong, absorbed by the SDK and reported through `onError`. */
export type TrackerErrorCode = "plugin_failed" | "batch_dropped" | "queue_full";

/** An error the SDK handled itself; it is reported, never thrown into the host app. */
export class TrackerError extends Error {
  // `declare`: assigned in the constructor, so the build emits no class-field helper.
  declare readonly code: TrackerErrorCode;
  constructor(code: TrackerErrorCode, message: string, cause?: unknown) {
    super(message, { cause });
    (this as { code: TrackerErrorCode }).code = code;
    this.name = "TrackerError";
  }
}

export function isTrackerError(value: unknown): value is TrackerError {
  return value instanceof TrackerError;
}
