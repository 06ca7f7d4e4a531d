/**
 * Builds the Lambda deployment zip: `pnpm --filter @shop/s3-sink run package` → dist/lambda.zip.
 *
 * One CommonJS file (index.js, handler "index.handler") with every dependency bundled and minified,
 * the AWS SDK included so the function runs the version tested here rather than whatever the runtime
 * ships, plus parquet-wasm's .wasm beside it: parquet-wasm's Node build reads
 * `${__dirname}/parquet_wasm_bg.wasm`, and in a CommonJS bundle __dirname is the bundle's folder.
 * The zip is deterministic (fixed timestamps, sorted entries) and checked against a size budget.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { zipSync } from "fflate";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(packageDir, "package.json"));

/** Fails the build above this: a regression that doubles the zip should be a decision, not an accident. */
export const ZIP_BUDGET_BYTES = 4 * 1024 * 1024;
export const LAMBDA_HANDLER = "index.handler";
const WASM_FILE = "parquet_wasm_bg.wasm";
/** 1980-01-01, the earliest time a zip entry can carry: the same inputs always give the same zip. */
const FIXED_MTIME = new Date("1980-01-01T00:00:00Z");

export interface LambdaPackage {
  readonly zipPath: string;
  readonly zipBytes: number;
  readonly files: Record<string, number>;
}

export async function packageLambda(outDir = join(packageDir, "dist")): Promise<LambdaPackage> {
  const stageDir = join(outDir, "lambda");
  rmSync(stageDir, { recursive: true, force: true });
  mkdirSync(stageDir, { recursive: true });
  await build({
    entryPoints: [join(packageDir, "src/lambda.ts")],
    outfile: join(stageDir, "index.js"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minify: true,
    legalComments: "none",
    // The Node build of parquet-wasm (the one that loads its .wasm from disk).
    conditions: ["node"],
    mainFields: ["module", "main"],
    logLevel: "warning",
  });
  const wasmSource = join(dirname(require.resolve("parquet-wasm")), WASM_FILE);
  const entries: Record<string, Uint8Array> = {
    "index.js": readFileSync(join(stageDir, "index.js")),
    [WASM_FILE]: readFileSync(wasmSource),
  };
  writeFileSync(join(stageDir, WASM_FILE), entries[WASM_FILE] as Uint8Array);
  const zip = zipSync(
    Object.fromEntries(
      Object.keys(entries)
        .sort()
        .map((name) => [name, [entries[name] as Uint8Array, { mtime: FIXED_MTIME }]]),
    ),
    { level: 9 },
  );
  const zipPath = join(outDir, "lambda.zip");
  writeFileSync(zipPath, zip);
  return {
    zipPath,
    zipBytes: zip.byteLength,
    files: Object.fromEntries(Object.entries(entries).map(([name, bytes]) => [name, bytes.byteLength])),
  };
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await packageLambda();
  console.log(
    `${result.zipPath}: ${result.zipBytes} bytes (${mib(result.zipBytes)}; budget ${mib(ZIP_BUDGET_BYTES)}), handler ${LAMBDA_HANDLER}`,
  );
  for (const [name, bytes] of Object.entries(result.files)) console.log(`  ${name}: ${bytes} bytes uncompressed`);
  if (result.zipBytes > ZIP_BUDGET_BYTES) {
    console.error(`lambda.zip is over its budget of ${mib(ZIP_BUDGET_BYTES)}`);
    process.exit(1);
  }
}
