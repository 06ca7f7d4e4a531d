#!/usr/bin/env node
import { parseArgs } from "node:util";
import { positiveInt } from "../cli-args.js";
import { resolveS3ConnectionConfig, resolveSinkConfig } from "../config.js";
import { SinkConfigError } from "../errors.js";
import { createHandler } from "../handler.js";
import { jsonLogger } from "../logger.js";
import { createS3Client, S3ObjectStore } from "../storage/object-store.js";
import { DEFAULT_FLUSH_THRESHOLDS, type FlushThresholds } from "./accumulator.js";
import { runLocalSink } from "./runner.js";
import { commandEnv } from "./stack-env.js";

const USAGE = `Usage: shop-s3-sink-local [options]

Consumes a Kafka topic and runs the S3 sink's Lambda handler on it, committing offsets only after the
objects are written. Settings come from the environment (KAFKA_BROKERS, SINK_BUCKET, SINK_PREFIX,
S3_ENDPOINT_URL, AWS_*, LATE_EVENT_BOUND, ...), with the repo's stack.env as defaults.

Options:
  --topic NAME          topic to consume (default: $KAFKA_TOPIC_RAW, else events.raw)
  --group ID            consumer group id (default: $SINK_GROUP_ID, else shop-s3-sink-local)
  --from-latest         a group without committed offsets starts at the end, not the beginning
  --once                stop when caught up with the end offsets seen at start
  --idle-exit-ms N      stop after N ms without new records
  --max-records N       flush at N buffered records ($SINK_FLUSH_MAX_RECORDS, default ${DEFAULT_FLUSH_THRESHOLDS.maxRecords})
  --max-bytes N         flush at N buffered base64 bytes ($SINK_FLUSH_MAX_BYTES, default ${DEFAULT_FLUSH_THRESHOLDS.maxBytes})
  --max-wait-ms N       flush when the oldest buffered record is N ms old ($SINK_FLUSH_MAX_WAIT_MS, default ${DEFAULT_FLUSH_THRESHOLDS.maxWaitMs})
  -h, --help            show this help
`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      topic: { type: "string" },
      group: { type: "string" },
      "from-latest": { type: "boolean", default: false },
      once: { type: "boolean", default: false },
      "idle-exit-ms": { type: "string" },
      "max-records": { type: "string" },
      "max-bytes": { type: "string" },
      "max-wait-ms": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }

  const env = commandEnv(import.meta.url);
  const logger = jsonLogger();
  const config = resolveSinkConfig(env);
  const brokers = (env.KAFKA_BROKERS ?? "").split(",").filter((b) => b.trim() !== "");
  if (brokers.length === 0) throw new SinkConfigError("KAFKA_BROKERS is required (host:port[,host:port])");
  // A flag wins over the environment, which wins over the default.
  const flush: FlushThresholds = {
    maxRecords: positiveInt(
      values["max-records"] ?? env.SINK_FLUSH_MAX_RECORDS,
      "--max-records / SINK_FLUSH_MAX_RECORDS",
      DEFAULT_FLUSH_THRESHOLDS.maxRecords,
    ),
    maxBytes: positiveInt(
      values["max-bytes"] ?? env.SINK_FLUSH_MAX_BYTES,
      "--max-bytes / SINK_FLUSH_MAX_BYTES",
      DEFAULT_FLUSH_THRESHOLDS.maxBytes,
    ),
    maxWaitMs: positiveInt(
      values["max-wait-ms"] ?? env.SINK_FLUSH_MAX_WAIT_MS,
      "--max-wait-ms / SINK_FLUSH_MAX_WAIT_MS",
      DEFAULT_FLUSH_THRESHOLDS.maxWaitMs,
    ),
  };
  const idleExitMs =
    values["idle-exit-ms"] === undefined ? undefined : positiveInt(values["idle-exit-ms"], "--idle-exit-ms", 0);

  const s3 = createS3Client(resolveS3ConnectionConfig(env));
  const handler = createHandler({ store: new S3ObjectStore(s3, config.bucket), config, logger });

  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(130);
    logger.info("stopping: flushing and committing (signal again to exit at once)", { signal });
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const topic = values.topic ?? env.KAFKA_TOPIC_RAW ?? "events.raw";
  const groupId = values.group ?? env.SINK_GROUP_ID ?? "shop-s3-sink-local";
  logger.info("s3 sink local runner starting", {
    brokers,
    topic,
    groupId,
    bucket: config.bucket,
    prefix: config.prefix,
    flush,
    once: values.once,
    idleExitMs,
  });
  try {
    const summary = await runLocalSink(handler, {
      brokers,
      topic,
      groupId,
      fromBeginning: !values["from-latest"],
      flush,
      once: values.once,
      ...(idleExitMs === undefined ? {} : { idleExitMs }),
      logger,
      signal: controller.signal,
    });
    logger.info("s3 sink local runner stopped", { ...summary });
    return 0;
  } finally {
    s3.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`shop-s3-sink-local: ${message}\n`);
    if (!(error instanceof SinkConfigError) && error instanceof Error && error.cause) {
      process.stderr.write(`  cause: ${String((error.cause as Error).message ?? error.cause)}\n`);
    }
    process.exit(
      error instanceof SinkConfigError || (error as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? 2 : 1,
    );
  },
);
