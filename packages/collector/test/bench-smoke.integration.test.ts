import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

/** The scale benchmark (`make bench`) in miniature, so a change that breaks it fails `make test`. */
describe("bench/scale.ts in miniature", () => {
  it("measures the built collector in both modes, closed and open loop, and checks every acknowledged event is in Kafka", async () => {
    const output = await runBench({
      BENCH_ROUNDS: "1",
      BENCH_CONNECTIONS: "32",
      BENCH_RATES: "2000",
      BENCH_MODES: "single,all-cores",
      BENCH_PROFILES: "default",
    });
    const rows = output
      .split("\n")
      .filter((line) => /^current\s+(single|all-cores)\s+default\s+(32|2k\/s)\s/.test(line));
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      const [, , , load, eventsPerSecond, , , , cpu, broker] = row.trim().split(/\s+/);
      expect(Number(eventsPerSecond?.replace(/,/g, ""))).toBeGreaterThan(0);
      expect(Number(cpu)).toBeGreaterThan(0);
      expect(Number(broker)).toBeGreaterThan(0);
      if (load === "2k/s") expect(Number(eventsPerSecond?.replace(/,/g, ""))).toBeGreaterThan(1000);
    }
    expect(output).toMatch(/records in the bench topic ≥ [\d,]+ events acknowledged/);
  }, 180_000);

  it("pairs each profile with `before` round by round, on one-shopper batches", async () => {
    const output = await runBench({
      BENCH_ROUNDS: "2",
      BENCH_CONNECTIONS: "32",
      BENCH_RATES: "",
      BENCH_MODES: "single",
      BENCH_PROFILES: "before,default",
      BENCH_SHOPPERS_PER_BATCH: "1",
    });
    expect(output).toContain("batch 20 (1 shoppers each)");
    const paired = output.match(/^ {2}default current single 32: ([\d.]+) \(([\d.]+)–([\d.]+)\)/m);
    expect(paired, output).not.toBeNull();
    const [median, low, high] = (paired as RegExpMatchArray).slice(1).map(Number) as [number, number, number];
    expect(median).toBeGreaterThan(0);
    expect(low).toBeLessThanOrEqual(median);
    expect(high).toBeGreaterThanOrEqual(median);
  }, 180_000);
});

/** Runs bench/scale.ts with one-second runs and `settings`; resolves with what it printed. */
function runBench(settings: Record<string, string>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "bench/scale.ts"],
      {
        cwd: packageDir,
        timeout: 120_000,
        env: {
          ...process.env,
          BENCH_SECONDS: "1",
          BENCH_WARMUP_SECONDS: "1",
          BENCH_IDLE_SECONDS: "1",
          ...settings,
        },
      },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
    );
  });
}
