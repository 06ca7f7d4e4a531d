#!/usr/bin/env node
import { parseArgs } from "node:util";
import { positiveInt } from "../cli-args.js";
import { normalizePrefix, resolveCompactionTiming, resolveS3ConnectionConfig, resolveSinkConfig } from "../config.js";
import { SinkConfigError, SinkError } from "../errors.js";
import { commandEnv } from "../local/stack-env.js";
import { jsonLogger } from "../logger.js";
import { createS3Client, S3ObjectStore } from "../storage/object-store.js";
import { compactHour } from "./compactor.js";
import { DEFAULT_TARGET_BYTES } from "./plan.js";

const USAGE = `Usage: shop-s3-sink-compact --dt YYYY-MM-DD --hour HH [options]

Merges an hour partition's Parquet objects (<prefix>/events/dt=…/hour=…/) into files of about
--target-bytes, one row per distinct event id, and deletes the merged objects only after reading the
new files back. Safe to re-run after a crash at any step. Settings come from the environment
(SINK_BUCKET, SINK_PREFIX, S3_ENDPOINT_URL, AWS_*, LATE_EVENT_BOUND, SINK_MAX_DELIVERY_DELAY), with the
repo's stack.env as defaults.

Refuses an hour that may still receive objects (before its end + LATE_EVENT_BOUND +
SINK_MAX_DELIVERY_DELAY) unless --force.

Options:
  --dt YYYY-MM-DD       the partition's date (UTC)
  --hour HH             the partition's hour, 0-23
  --prefix P            key prefix (default: $SINK_PREFIX, else none)
  --target-bytes N      input bytes per output file (default ${DEFAULT_TARGET_BYTES})
  --row-group-rows N    rows per row group (default 500000); memory holds one row group, compressed
  --force               compact even if the hour may still receive objects
  --dry-run             print the plan, write nothing
  -h, --help            show this help
`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      dt: { type: "string" },
      hour: { type: "string" },
      prefix: { type: "string" },
      "target-bytes": { type: "string" },
      "row-group-rows": { type: "string" },
      force: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const dt = values.dt ?? "";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(dt) || Number.isNaN(Date.parse(`${dt}T00:00:00Z`)))
    throw new SinkConfigError(`--dt must be a date YYYY-MM-DD; got "${dt}"`);
  const hour = Number(values.hour);
  if (values.hour === undefined || !/^\d{1,2}$/.test(values.hour) || hour > 23)
    throw new SinkConfigError(`--hour must be 0-23; got "${values.hour ?? ""}"`);

  const env = commandEnv(import.meta.url);
  const config = resolveSinkConfig(env);
  const timing = resolveCompactionTiming(env);
  const s3 = createS3Client(resolveS3ConnectionConfig(env));
  try {
    const summary = await compactHour(new S3ObjectStore(s3, config.bucket), {
      prefix: values.prefix === undefined ? config.prefix : normalizePrefix(values.prefix),
      partition: { dt, hour },
      targetBytes: positiveInt(values["target-bytes"], "--target-bytes", DEFAULT_TARGET_BYTES),
      rowGroupRows: positiveInt(values["row-group-rows"], "--row-group-rows", 500_000),
      timing,
      force: values.force,
      dryRun: values["dry-run"],
      logger: jsonLogger((text) => process.stderr.write(`${text}\n`)),
    });
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  } finally {
    s3.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`shop-s3-sink-compact: ${error instanceof Error ? error.message : String(error)}\n`);
    const usage = error instanceof SinkConfigError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    // 3: refused or stopped on purpose (too early, verification, input rejected): nothing was lost.
    process.exit(usage ? 2 : error instanceof SinkError && error.code.startsWith("SINK_COMPACTION") ? 3 : 1);
  },
);
