/**
 * Builds the Lambda deployment zip: `pnpm --filter @shop/s3-sink run package` → dist/lambda.zip.
 *
 * One CommonJS file (index.js, handler "index.handler") with every dependency bundled and minified,
 * the AWS SDK included so the function runs the version tested here rather than whatever the runtime
 * ships, plus zstd-napi under node_modules/: its native binding (ZSTD for the Parquet pages) cannot be
 * bundled, so its small JS files and binding.node ship as they are. The binding is the one built on
 * this machine, so build the zip on the Lambda's OS and architecture (Linux; x86_64 or arm64 to match
 * the function); it links against glibc ≤ 2.34, which Amazon Linux 2023 (nodejs24.x, the runtime this
 * zip is built for: Node 24, as the repo runs) has. zstd-napi is a Node-API addon, so the binding does
 * not depend on the Node version.
 * The zip is deterministic (fixed timestamps, sorted entries) and checked against a size budget.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { arch, platform } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { zipSync } from "fflate";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(packageDir, "package.json"));

/** Fails the build above this: a regression that doubles the zip should be a decision, not an accident. */
export const ZIP_BUDGET_BYTES = 4 * 1024 * 1024;
export const LAMBDA_HANDLER = "index.handler";
/** The Lambda runtime the zip is built and tested for (Node 24, as the repo). */
export const LAMBDA_RUNTIME = "nodejs24.x";
/** Native modules the bundle requires at run time, shipped as files. */
const NATIVE_MODULES = ["zstd-napi"];
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
    // The Lambda runtime: nodejs24.x.
    target: "node24",
    format: "cjs",
    minify: true,
    legalComments: "none",
    conditions: ["node"],
    mainFields: ["module", "main"],
    external: NATIVE_MODULES,
    logLevel: "warning",
  });
  const entries: Record<string, Uint8Array> = { "index.js": readFileSync(join(stageDir, "index.js")) };
  for (const name of NATIVE_MODULES) Object.assign(entries, nativeModuleFiles(name));
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

/** A native module's run-time files (package.json, JS, licences, the Release binding) as zip entries. */
function nativeModuleFiles(name: string): Record<string, Uint8Array> {
  const root = dirname(require.resolve(`${name}/package.json`));
  const wanted = (path: string) =>
    path === "package.json" ||
    /^(LICENSE|NOTICE)/.test(path) ||
    (path.endsWith(".js") && !path.startsWith("build/") && !path.startsWith("deps/")) ||
    path === "build/Release/binding.node";
  const files: Record<string, Uint8Array> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const inModule = relative(root, path);
      if (entry.isDirectory()) {
        if (!["deps", "src", "node_modules"].includes(inModule)) walk(path);
      } else if (wanted(inModule)) files[`node_modules/${name}/${inModule}`] = readFileSync(path);
    }
  };
  walk(root);
  if (!files[`node_modules/${name}/build/Release/binding.node`])
    throw new Error(`${name} has no build/Release/binding.node: its install script did not build it`);
  return files;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await packageLambda();
  console.log(
    `${result.zipPath}: ${result.zipBytes} bytes (${mib(result.zipBytes)}; budget ${mib(ZIP_BUDGET_BYTES)}), runtime ${LAMBDA_RUNTIME}, handler ${LAMBDA_HANDLER}, native code for ${platform()}-${arch()}`,
  );
  for (const [name, bytes] of Object.entries(result.files)) console.log(`  ${name}: ${bytes} bytes uncompressed`);
  if (result.zipBytes > ZIP_BUDGET_BYTES) {
    console.error(`lambda.zip is over its budget of ${mib(ZIP_BUDGET_BYTES)}`);
    process.exit(1);
  }
}
