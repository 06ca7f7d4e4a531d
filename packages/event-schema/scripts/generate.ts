/** Writes every generated file of the contract. `--check` only compares and fails when one is stale. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderGeneratedFiles } from "../src/generate/index.js";

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const validFixtures = JSON.parse(readFileSync(join(packageRoot, "fixtures/wire/valid.json"), "utf8"));
const check = process.argv.includes("--check");
const stale: string[] = [];

for (const [relativePath, content] of Object.entries(renderGeneratedFiles(validFixtures))) {
  const target = join(packageRoot, relativePath);
  let current: string | undefined;
  try {
    current = readFileSync(target, "utf8");
  } catch {
    current = undefined;
  }
  if (current === content) continue;
  if (check) {
    stale.push(relativePath);
  } else {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    console.log(`wrote ${relativePath}`);
  }
}

if (stale.length > 0) {
  console.error(`stale generated files (run pnpm --filter @shop/event-schema generate): ${stale.join(", ")}`);
  process.exit(1);
}
