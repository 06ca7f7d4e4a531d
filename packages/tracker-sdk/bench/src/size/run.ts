import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { bundle, resolvedShopEntry, settingsLine, shopEntryOverride } from "../lib/bundle.js";
import { benchDir, outDir, packageVersion, staleBuildWarning } from "../lib/paths.js";
import { bytes, formatTable } from "../lib/table.js";

interface SizeCase {
  entry: string;
  label: string;
  pkg: string;
  /** Footnote marks: what this SDK fetches at run time on top of its bundle. */
  runtime: string;
}

const cases: SizeCase[] = [
  { entry: "shop.ts", label: "@shop/tracker (ours)", pkg: "@shop/tracker", runtime: "none" },
  { entry: "snowplow.ts", label: "@snowplow/browser-tracker", pkg: "@snowplow/browser-tracker", runtime: "none" },
  {
    entry: "segment.ts",
    label: "@segment/analytics-next",
    pkg: "@segment/analytics-next",
    runtime: "config + code [1]",
  },
  {
    entry: "rudderstack.ts",
    label: "@rudderstack/analytics-js",
    pkg: "@rudderstack/analytics-js",
    runtime: "config + code [2]",
  },
  {
    entry: "rudderstack-bundled.ts",
    label: "  …/bundled (plugins inside)",
    pkg: "@rudderstack/analytics-js",
    runtime: "config + code [2]",
  },
  { entry: "posthog.ts", label: "posthog-js", pkg: "posthog-js", runtime: "config + code [3]" },
  {
    entry: "posthog-full.ts",
    label: "  …/module.full.no-external",
    pkg: "posthog-js",
    runtime: "config [3]",
  },
  {
    entry: "amplitude.ts",
    label: "@amplitude/analytics-browser",
    pkg: "@amplitude/analytics-browser",
    runtime: "config (+ code) [4]",
  },
];

const footnotes = [
  "Run-time downloads are not in the bytes above: a page using a peer pays them too (read from each SDK's published source):",
  "[1] Segment: AnalyticsBrowser.load fetches the source's settings from cdn.segment.com, then loads every enabled device-mode",
  "    and Actions destination as a script from the same CDN; the dynamic import()s in its npm build are inlined here.",
  "[2] RudderStack v3: fetches the source config from its control plane; the default build loads its plugins",
  "    (rsa-plugins.js, module federation) and device-mode integrations from cdn.rudderlabs.com. '/bundled' ships the",
  "    plugins but still loads device-mode integrations from the CDN.",
  "[3] PostHog: loads remote config (/array/<token>/config.js) and extensions (session recorder, surveys, toolbar,",
  "    dead clicks, web vitals, exception autocapture) from its assets host as enabled; 'module.full.no-external' bundles them.",
  "[4] Amplitude: fetches remote config at init; loads visual-tagging and background-capture scripts from cdn.amplitude.com",
  "    only when those modes are opened from Amplitude's UI.",
  "Ours downloads nothing at run time (issue 3: 'No code is ever downloaded at run time').",
];

export interface SizeRow {
  label: string;
  version: string;
  raw: number;
  minified: number;
  gzip: number;
  brotli: number;
  runtime: string;
}

export async function measureSizes(): Promise<{ rows: SizeRow[]; notes: string[] }> {
  const entriesDir = join(dirname(fileURLToPath(import.meta.url)), "entries");
  const bundlesDir = join(outDir, "size");
  mkdirSync(bundlesDir, { recursive: true });
  const rows: SizeRow[] = [];
  const notes: string[] = [];
  for (const sizeCase of cases) {
    const entry = join(entriesDir, sizeCase.entry);
    try {
      const raw = await bundle(entry, { minify: false });
      const min = await bundle(entry, { minify: true });
      const minified = Buffer.from(min.code);
      writeFileSync(join(bundlesDir, sizeCase.entry.replace(/\.ts$/, ".min.js")), minified);
      if (sizeCase.pkg === "@shop/tracker") {
        const resolved = resolvedShopEntry(min.metafile);
        if (resolved) {
          const browserBuild = /dist\/browser\.[cm]?js$/.test(resolved);
          notes.push(
            `ours resolved to ${relative(resolve(benchDir, "../../.."), resolved)}${shopEntryOverride ? " (BENCH_SHOP_ENTRY)" : browserBuild ? "" : " (no browser build yet: default entry)"}`,
          );
          const stale = staleBuildWarning(resolved);
          if (stale) notes.push(stale);
        }
      }
      rows.push({
        label: sizeCase.label,
        version: packageVersion(sizeCase.pkg),
        raw: Buffer.byteLength(raw.code),
        minified: minified.length,
        gzip: gzipSync(minified, { level: 9 }).length,
        brotli: brotliCompressSync(minified, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
        runtime: sizeCase.runtime,
      });
    } catch (error) {
      notes.push(`${sizeCase.label}: bundle failed: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  return { rows, notes };
}

export function printSizes(rows: SizeRow[], notes: string[]): void {
  const ours = rows.find((row) => row.label.startsWith("@shop/tracker"));
  const ratio = (row: SizeRow) => (ours ? `${(row.gzip / ours.gzip).toFixed(1)}×` : "n/a");
  console.log("\n## Bundle size: init + track one event\n");
  console.log(settingsLine);
  console.log("bytes; ratio = gzip size / ours; budget for ours: 4,096 B gzip (issue 3)\n");
  console.log(
    formatTable(
      ["SDK", "version", "bundled", "minified", "gzip -9", "brotli", "gzip vs ours", "downloads at run time"],
      rows.map((row) => [
        row.label,
        row.version,
        bytes(row.raw),
        bytes(row.minified),
        bytes(row.gzip),
        bytes(row.brotli),
        ratio(row),
        row.runtime,
      ]),
    ),
  );
  if (ours)
    console.log(
      `\nours: ${bytes(ours.gzip)} B gzip for the default browser createTracker, page context included; the 4 KB ` +
        "budget covers the issue's core set and is enforced by the SDK's build (scripts/check-size.mjs)",
    );
  for (const note of notes) console.log(note);
  console.log(`\n${footnotes.join("\n")}`);
  console.log(`minified bundles: ${join(outDir, "size")}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { rows, notes } = await measureSizes();
  printSizes(rows, notes);
}
