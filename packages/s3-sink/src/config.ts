import { SinkConfigError } from "./errors.js";

/** Everything the handler needs, resolved and checked once (at cold start for Lambda). */
export interface SinkConfig {
  /** Bucket the Parquet and dead-letter objects go to. */
  readonly bucket: string;
  /** Key prefix without leading or trailing "/", or "" for the bucket root. */
  readonly prefix: string;
  /** The partition rule's bounds; see partition.ts. */
  readonly partitioning: PartitionBounds;
  /** Report failed topic-partitions in `batchItemFailures` instead of failing the whole invocation. */
  readonly reportBatchItemFailures: boolean;
  /** How many S3 PUTs one invocation runs at once. */
  readonly putConcurrency: number;
}

export interface PartitionBounds {
  /** An event_ts more than this before received_at is partitioned by received_at instead. */
  readonly lateEventBoundMs: number;
  /** An event_ts more than this after received_at is partitioned by received_at instead. */
  readonly futureEventBoundMs: number;
}

/** Where and how to reach S3; separate from SinkConfig because tests and the runner inject a store. */
export interface S3ConnectionConfig {
  readonly region: string;
  /** Set for S3-compatible local servers; unset means AWS's own endpoint. */
  readonly endpointUrl?: string;
  readonly forcePathStyle: boolean;
  /** Taken from the given environment when it has keys; otherwise the SDK's default provider chain. */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export const DEFAULT_LATE_EVENT_BOUND = "7d";
export const DEFAULT_FUTURE_EVENT_BOUND = "15m";
export const DEFAULT_PUT_CONCURRENCY = 8;
/** How late a batch may still be (re)written after its records were received; see the compaction rule. */
export const DEFAULT_MAX_DELIVERY_DELAY = "1d";

type Env = Readonly<Record<string, string | undefined>>;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "7d", "36h", "15m", "90s", "250ms" or a bare number of milliseconds. */
export function parseDuration(text: string, name: string): number {
  const match = /^\s*(\d+)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) throw new SinkConfigError(`${name} must be a duration like 7d, 36h, 15m, 90s or 250ms; got "${text}"`);
  const ms = Number(match[1]) * (UNIT_MS[match[2] ?? "ms"] ?? 1);
  if (!Number.isSafeInteger(ms)) throw new SinkConfigError(`${name} is too large: ${text}`);
  return ms;
}

function parsePositiveInt(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new SinkConfigError(`${name} must be a positive integer; got "${text}"`);
  return n;
}

function parseBoolean(text: string, name: string): boolean {
  const value = text.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(value)) return true;
  if (["0", "false", "no", "off", ""].includes(value)) return false;
  throw new SinkConfigError(`${name} must be true or false; got "${text}"`);
}

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === "" ? undefined : value.trim();

/** Trims slashes so keys never get "//" or a leading "/", which S3 would keep as part of the key. */
export const normalizePrefix = (prefix: string): string => prefix.replace(/^\/+|\/+$/g, "");

/**
 * Reads the sink's settings from the environment:
 * - `SINK_BUCKET` (required)
 * - `SINK_PREFIX` (default "": objects go under `events/` and `dead-letter/` at the bucket root)
 * - `LATE_EVENT_BOUND` (default 7d), `FUTURE_EVENT_BOUND` (default 15m)
 * - `REPORT_BATCH_ITEM_FAILURES` (default false: a failed write fails the invocation)
 * - `SINK_PUT_CONCURRENCY` (default 8)
 */
export function resolveSinkConfig(env: Env): SinkConfig {
  const bucket = nonEmpty(env.SINK_BUCKET);
  if (!bucket) throw new SinkConfigError("SINK_BUCKET is required");
  const lateEventBoundMs = parseDuration(env.LATE_EVENT_BOUND ?? DEFAULT_LATE_EVENT_BOUND, "LATE_EVENT_BOUND");
  const futureEventBoundMs = parseDuration(env.FUTURE_EVENT_BOUND ?? DEFAULT_FUTURE_EVENT_BOUND, "FUTURE_EVENT_BOUND");
  return {
    bucket,
    prefix: normalizePrefix(env.SINK_PREFIX ?? ""),
    partitioning: { lateEventBoundMs, futureEventBoundMs },
    reportBatchItemFailures: parseBoolean(env.REPORT_BATCH_ITEM_FAILURES ?? "false", "REPORT_BATCH_ITEM_FAILURES"),
    putConcurrency: parsePositiveInt(
      env.SINK_PUT_CONCURRENCY ?? String(DEFAULT_PUT_CONCURRENCY),
      "SINK_PUT_CONCURRENCY",
    ),
  };
}

/**
 * The compaction rule's inputs (see compact/plan.ts, earliestCompaction):
 * - `LATE_EVENT_BOUND` (default 7d), the sink's own
 * - `SINK_MAX_DELIVERY_DELAY` (default 1d): consumer lag plus the event source's retry window; set the
 *   event source mapping's MaximumRecordAgeInSeconds at or below it
 */
export function resolveCompactionTiming(env: Env): { lateEventBoundMs: number; maxDeliveryDelayMs: number } {
  return {
    lateEventBoundMs: parseDuration(env.LATE_EVENT_BOUND ?? DEFAULT_LATE_EVENT_BOUND, "LATE_EVENT_BOUND"),
    maxDeliveryDelayMs: parseDuration(
      env.SINK_MAX_DELIVERY_DELAY ?? DEFAULT_MAX_DELIVERY_DELAY,
      "SINK_MAX_DELIVERY_DELAY",
    ),
  };
}

/**
 * - `AWS_REGION` (Lambda sets it; default us-east-1)
 * - `S3_ENDPOINT_URL` (optional; a loopback S3-compatible server in development)
 * - `S3_FORCE_PATH_STYLE` (default: true when S3_ENDPOINT_URL is set, since local servers rarely
 *   resolve bucket subdomains)
 */
export function resolveS3ConnectionConfig(env: Env): S3ConnectionConfig {
  const endpointUrl = nonEmpty(env.S3_ENDPOINT_URL);
  if (endpointUrl !== undefined) {
    try {
      new URL(endpointUrl);
    } catch {
      throw new SinkConfigError(`S3_ENDPOINT_URL is not a URL: "${endpointUrl}"`);
    }
  }
  const forcePathStyle = parseBoolean(
    env.S3_FORCE_PATH_STYLE ?? String(endpointUrl !== undefined),
    "S3_FORCE_PATH_STYLE",
  );
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  return {
    region: nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? "us-east-1",
    forcePathStyle,
    ...(endpointUrl === undefined ? {} : { endpointUrl }),
    ...(accessKeyId && secretAccessKey
      ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } }
      : {}),
  };
}
