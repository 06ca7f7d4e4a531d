import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULTS } from "../src/config.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const readme = readFileSync(join(root, "README.md"), "utf8");
const sources = (readdirSync(join(root, "src"), { recursive: true }) as string[])
  .filter((file) => file.endsWith(".ts"))
  .map((file) => readFileSync(join(root, "src", file), "utf8"))
  .join("\n");
/** Every setting is read through one of config.ts' readers: text("X"), integer("X", …), flag("X", …). */
const readSettings = /\b(?:text|integer|flag)\("([A-Z][A-Z0-9_]+)"/g;

describe("README.md stays true", () => {
  const table = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## The hold request"));
  const documented = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1] as string);

  it("has a configuration row for every variable the code reads, and none it does not", () => {
    const read = new Set([...sources.matchAll(readSettings)].map((m) => m[1] as string));
    expect(read.size).toBeGreaterThan(10);
    expect([...documented].sort()).toEqual([...read].sort());
  });

  it("gives the defaults the code uses", () => {
    const row = (name: string) => table.split("\n").find((line) => line.startsWith(`| \`${name}\``)) ?? "";
    expect(row("KAFKA_BROKERS")).toContain(DEFAULTS.brokers);
    expect(row("KAFKA_TOPIC_FRAUD")).toContain(DEFAULTS.topic);
    expect(row("ORDER_HOLD_GROUP_ID")).toContain(DEFAULTS.groupId);
    expect(row("ORDER_HOLD_WEBHOOK_TIMEOUT_MS")).toContain(String(DEFAULTS.webhookTimeoutMs));
    expect(row("ORDER_HOLD_RETRY_INITIAL_MS")).toContain(String(DEFAULTS.retryInitialMs));
    expect(row("ORDER_HOLD_RETRY_MAX_MS")).toContain(String(DEFAULTS.retryMaxMs));
    expect(row("ORDER_HOLD_DEDUP_CAPACITY")).toContain(String(DEFAULTS.dedupCapacity));
  });
});
