import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The lint rule that keeps src/core runnable on every platform: no browser globals, not even
 * behind a typeof check. Platform code reaches the core only through src/core/platform.ts.
 */
const forbidden = [
  "window",
  "document",
  "navigator",
  "localStorage",
  "sessionStorage",
  "indexedDB",
  "location",
  "history",
];
const coreDir = fileURLToPath(new URL("../src/core", import.meta.url));

/** Code without comments and string contents, so prose may mention the words. */
function codeOf(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .replace(/"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`/g, '""');
}

export function platformGlobalsIn(source: string): string[] {
  const code = codeOf(source);
  // A use is the bare identifier (not a property like `event.document` or a longer name).
  return forbidden.filter((name) => new RegExp(`(?<![.\\w$])${name}(?![\\w$])`).test(code));
}

describe("src/core", () => {
  const files = readdirSync(coreDir).filter((file) => file.endsWith(".ts"));

  it("has modules to check", () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files)("%s touches no platform global", (file) => {
    expect(platformGlobalsIn(readFileSync(join(coreDir, file), "utf8"))).toEqual([]);
  });

  it("the check catches a platform global and ignores comments, strings and properties", () => {
    expect(platformGlobalsIn("const url = location.href;")).toEqual(["location"]);
    expect(platformGlobalsIn("if (typeof window !== 'undefined') {}")).toEqual(["window"]);
    expect(platformGlobalsIn("globalThis.localStorage?.getItem('x')")).toEqual([]);
    expect(platformGlobalsIn("// the document is gone\nconst s = 'navigator';\nconst h = state.history;")).toEqual([]);
    expect(platformGlobalsIn("indexedDB.open('q')")).toEqual(["indexedDB"]);
  });
});
