import type { CollectorRejection } from "./platform.js";

/**
 * What went wrong. `plugin_failed`, `batch_dropped`, `queue_full` and `events_rejected` (the collector
 * took the batch but dead-lettered some of its events; `rejected` says which and why) are absorbed by
 * the SDK and reported through `onError`; `invalid_consent` is a programming error, thrown where it is made.
 */
export type TrackerErrorCode = "plugin_failed" | "batch_dropped" | "queue_full" | "events_rejected" | "invalid_consent";

/**
 * An error of the SDK. Failures at run time are reported, never thrown into the host app; only a call
 * with an invalid argument (a consent value that does not exist) throws.
 */
export class TrackerError extends Error {
  // `declare`: assigned in the constructor, so the build emits no class-field helper.
  declare readonly code: TrackerErrorCode;
  /** `events_rejected` only: the collector's reason for each event it refused. */
  declare readonly rejected?: readonly CollectorRejection[];
  constructor(code: TrackerErrorCode, message: string, cause?: unknown, rejected?: readonly CollectorRejection[]) {
    super(message, { cause });
    Object.assign(this, { code, rejected, name: "TrackerError" });
  }
}

export function isTrackerError(value: unknown): value is TrackerError {
  return value instanceof TrackerError;
}
