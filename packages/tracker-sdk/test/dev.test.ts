import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { createTestingTransport } from "../src/testing.js";

// The development build as published: dist/dev.js (run `pnpm run build` first), whose contract check
// is the collector's validator bundled in, and the proof that production bundles never carry it.

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const dev = await import(new URL("../dist/dev.js", import.meta.url).href);

/** Warnings the dev build printed while `run` ran. */
async function warningsOf(run: () => Promise<void>): Promise<unknown[][]> {
  const warnings: unknown[][] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args);
  try {
    await run();
  } finally {
    console.warn = original;
  }
  return warnings;
}

describe("@shop/tracker/dev", () => {
  it("warns on console for events the collector would reject, names the rule, and still sends them", async () => {
    const transport = createTestingTransport();
    const tracker = dev.createTracker({ host: "http://127.0.0.1:9", writeKey: "k", flushAt: 100 }, { transport });
    const warnings = await warningsOf(async () => {
      tracker.track("Order Completed", { order_id: "o-1", revenue: 44.9, currency: "BRL" }); // valid
      tracker.track("Order Completed", { order_id: "o-2", revenue: "lots" });
      tracker.track("Payment Info Entered", { note: "card 4111 1111 1111 1111" });
      tracker.page("Home");
      await tracker.flush();
    });
    expect(warnings.map(([message]) => message)).toEqual([
      expect.stringMatching(/reject this track\("Order Completed"\) event \(schema_violation\): \/properties\/revenue/),
      expect.stringMatching(/reject this track\("Payment Info Entered"\) event \(pan_detected\)/),
    ]);
    // The offending event is handed over too, to inspect in the console.
    expect(warnings[0]?.[1]).toMatchObject({ event: "Order Completed", properties: { order_id: "o-2" } });
    expect(transport.events()).toHaveLength(4);
  });

  it("checks the event as the other plugins left it (it runs last)", async () => {
    const transport = createTestingTransport();
    const warnings = await warningsOf(async () => {
      const tracker = dev.createTracker(
        {
          host: "http://127.0.0.1:9",
          writeKey: "k",
          plugins: [{ name: "bad", beforeSend: (event: { messageId?: string }) => ({ ...event, messageId: 7 }) }],
        },
        { transport },
      );
      tracker.track("Signed Up");
      await tracker.flush();
    });
    expect(warnings.map(([message]) => message)).toEqual([expect.stringMatching(/\/messageId must be string/)]);
  });
});

/** What a bundler makes of `code` importing the package by name, for the browser, minified. */
async function bundle(code: string): Promise<string> {
  const result = await build({
    stdin: { contents: code, resolveDir: packageDir, loader: "js" },
    absWorkingDir: packageDir,
    bundle: true,
    minify: true,
    write: false,
    platform: "browser",
    format: "esm",
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}

/** Traces of the contract check: its warning, Ajv's option names, a contract error message. */
const devMarkers = ["the collector will reject", "strictRequired", "either anonymousId or userId is required"];
const markersIn = (code: string) => devMarkers.filter((marker) => code.includes(marker));

describe("production bundles", () => {
  it("the default browser bundle (`@shop/tracker`, browser condition) does not contain the dev build", async () => {
    const code = await bundle(`import { createTracker, autocapture } from "@shop/tracker";
      createTracker({ host: "https://c.example", writeKey: "k", plugins: [autocapture()] }).track("x");`);
    expect(code).toContain("sendBeacon"); // it is the browser build
    expect(markersIn(code)).toEqual([]);
  });

  it("…nor does the script build", async () => {
    const { readFile } = await import("node:fs/promises");
    expect(markersIn(await readFile(new URL("../dist/shop-tracker.iife.js", import.meta.url), "utf8"))).toEqual([]);
  });

  it("the probe finds the dev build where it is (so the checks above can fail)", async () => {
    const code = await bundle(`import { createTracker } from "@shop/tracker/dev";
      createTracker({ host: "https://c.example", writeKey: "k" }).track("x");`);
    expect(markersIn(code)).toEqual(devMarkers);
  });
});
