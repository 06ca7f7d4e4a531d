import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { loadConfig, startupWarnings } from "../src/config.js";
import { CollectorError } from "../src/http/errors.js";
import { type ReloadResult, watchWriteKeyFile } from "../src/keys/key-file-reloader.js";
import { WriteKeyRing } from "../src/keys/write-key-ring.js";
import { writeKeyProblems, writeKeysFromFile, writeKeysFromList } from "../src/keys/write-key-table.js";
import { validFixtures } from "./fixtures.js";
import { recordingPublisher } from "./recording-publisher.js";
import { basicAuth, problemsOf } from "./setup-app.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const keyFile = (text: string) => {
  const dir = mkdtempSync(join(tmpdir(), "collector-keys-"));
  dirs.push(dir);
  const path = join(dir, "write-keys");
  writeFileSync(path, text);
  return path;
};
const errorCode = (run: () => unknown) => {
  try {
    run();
    return "resolved";
  } catch (error) {
    return error instanceof CollectorError ? error.code : String(error);
  }
};

describe("write key tables", () => {
  it("reads key=sourceId entries from the environment's list and from a file with comments and blank lines", () => {
    const problems: string[] = [];
    const env = writeKeysFromList(" wk_a=web , wk_b=app ", problems);
    const file = writeKeysFromFile(
      "# rotated 2026-12-01\nwk_c=backend\n\n  wk_d=web, wk_e=web # two for one source\n",
      env,
      problems,
    );
    expect(problems).toEqual([]);
    expect([...file]).toEqual([
      ["wk_a", "web"],
      ["wk_b", "app"],
      ["wk_c", "backend"],
      ["wk_d", "web"],
      ["wk_e", "web"],
    ]);
    expect(env.size).toBe(2); // the environment's table is not changed by the file
  });

  it("reports a malformed entry, a bad source id and one key given to two sources, never echoing a key", () => {
    const problems: string[] = [];
    writeKeysFromFile("sk_live_secret\nwk_1=web shop\nwk_2=web\nwk_2=app\nwk 3=web\n", new Map(), problems);
    expect(problems).toEqual([
      "COLLECTOR_WRITE_KEYS_FILE: an entry is not key=sourceId",
      'COLLECTOR_WRITE_KEYS_FILE: source id "web shop" must be letters, digits, . _ or - (at most 64)',
      'COLLECTOR_WRITE_KEYS_FILE: one key is given to two sources ("web" and "app")',
      'COLLECTOR_WRITE_KEYS_FILE: the key for source "web" contains white space',
    ]);
    expect(problems.join(" ")).not.toMatch(/sk_live_secret|wk_1|wk_2/);
  });

  it("requires keys unless local development says otherwise, and every named source to have one", () => {
    const named = [{ source: "backend", setting: "COLLECTOR_SERVER_SOURCES" }];
    expect(writeKeyProblems(new Map(), { namedSources: [], allowNoWriteKeys: false })[0]).toMatch(/^no write keys/);
    expect(writeKeyProblems(new Map(), { namedSources: [], allowNoWriteKeys: true })).toEqual([]);
    expect(writeKeyProblems(new Map([["k", "web"]]), { namedSources: named, allowNoWriteKeys: false })).toEqual([
      'COLLECTOR_SERVER_SOURCES names source "backend", which no write key maps to',
    ]);
  });
});

describe("the write key ring", () => {
  it("resolves keys to sources, refuses unknown ones, and takes a new table for the next lookup", () => {
    const ring = new WriteKeyRing(new Map([["old", "web"]]));
    expect(ring.resolve("old")).toBe("web");
    expect(errorCode(() => ring.resolve("new"))).toBe("invalid_write_key");
    expect(errorCode(() => ring.resolve(undefined))).toBe("missing_write_key");
    ring.replace(
      new Map([
        ["old", "web"],
        ["new", "web"],
      ]),
    );
    expect([ring.resolve("old"), ring.resolve("new")]).toEqual(["web", "web"]);
    ring.replace(new Map([["new", "web"]]));
    expect(errorCode(() => ring.resolve("old"))).toBe("invalid_write_key");
  });

  it("lets everything through, with no source, when there are no keys (local development)", () => {
    const ring = new WriteKeyRing(new Map());
    expect(ring.authenticating).toBe(false);
    expect(ring.resolve(undefined)).toBeUndefined();
  });
});

describe("write keys in the configuration", () => {
  it("refuses to start without keys, unless COLLECTOR_ALLOW_NO_WRITE_KEYS says this is local development", () => {
    expect(() => loadConfig({})).toThrow(/no write keys: set COLLECTOR_WRITE_KEYS or COLLECTOR_WRITE_KEYS_FILE/);
    const dev = loadConfig({ COLLECTOR_ALLOW_NO_WRITE_KEYS: "true" });
    expect(dev.writeKeys.size).toBe(0);
    expect(startupWarnings(dev)).toEqual([expect.stringMatching(/^authentication is off/)]);
  });

  it("adds the key file's entries to the environment's, and names an unreadable file", () => {
    const path = keyFile("wk_file=backend\n");
    const config = loadConfig({ COLLECTOR_WRITE_KEYS: "wk_env=web", COLLECTOR_WRITE_KEYS_FILE: path });
    expect([...config.writeKeys]).toEqual([
      ["wk_env", "web"],
      ["wk_file", "backend"],
    ]);
    expect([...config.envWriteKeys]).toEqual([["wk_env", "web"]]);
    expect(problemsOf({ COLLECTOR_WRITE_KEYS_FILE: `${path}.missing` })).toEqual([
      `COLLECTOR_WRITE_KEYS_FILE ${path}.missing cannot be read (ENOENT)`,
    ]);
  });

  it("checks COLLECTOR_SERVER_SOURCES against the keys", () => {
    expect(problemsOf({ COLLECTOR_WRITE_KEYS: "k=web", COLLECTOR_SERVER_SOURCES: "backend" })).toEqual([
      'COLLECTOR_SERVER_SOURCES names source "backend", which no write key maps to',
    ]);
    const config = loadConfig({ COLLECTOR_WRITE_KEYS: "k=web,s=backend", COLLECTOR_SERVER_SOURCES: "backend" });
    expect([...config.serverSources]).toEqual(["backend"]);
  });

  it("warns at start when any origin may send while keys are configured", () => {
    const open = loadConfig({ COLLECTOR_WRITE_KEYS: "k=web" });
    expect(startupWarnings(open)).toEqual([expect.stringMatching(/^COLLECTOR_CORS_ORIGINS is \*/)]);
    const listed = loadConfig({ COLLECTOR_WRITE_KEYS: "k=web", COLLECTOR_CORS_ORIGINS: "https://shop.example" });
    expect(startupWarnings(listed)).toEqual([]);
  });
});

describe("reloading the key file", () => {
  const until = async (check: () => boolean, what: string) => {
    const deadline = Date.now() + 5000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it("follows a change (also an atomic swap, as mounted secrets do), keeps the keys in force on a bad file, and serves throughout", async () => {
    const path = keyFile("wk_old=web\n");
    const config = loadConfig({ COLLECTOR_WRITE_KEYS_FILE: path });
    const ring = new WriteKeyRing(config.writeKeys);
    const results: ReloadResult[] = [];
    const watcher = watchWriteKeyFile({
      path,
      envKeys: config.envWriteKeys,
      requirements: config.keyRequirements,
      ring,
      pollIntervalMs: 50,
      onReload: (result) => results.push(result),
    });
    try {
      // Rotation: a second key for the source, then the old one removed.
      writeFileSync(path, "wk_old=web\nwk_new=web\n");
      await until(() => results.length === 1, "the first reload");
      expect(results[0]).toEqual({ ok: true, keys: 2, sources: 1 });
      expect(ring.resolve("wk_new")).toBe("web");

      writeFileSync(`${path}.next`, "wk_new=web\n");
      renameSync(`${path}.next`, path);
      await until(() => results.length === 2, "the swap");
      expect(errorCode(() => ring.resolve("wk_old"))).toBe("invalid_write_key");

      // A half-written file changes nothing.
      writeFileSync(path, "wk_newer");
      await until(() => results.length === 3, "the bad file");
      expect(results[2]).toEqual({
        ok: false,
        problems: ["COLLECTOR_WRITE_KEYS_FILE: an entry is not key=sourceId", expect.stringMatching(/^no write keys/)],
      });
      expect(ring.resolve("wk_new")).toBe("web");
      expect(watcher.reload()).toMatchObject({ ok: false });
    } finally {
      watcher.close();
    }
  });

  it("is what the app authenticates with: a swapped ring admits the new key on the next request", async () => {
    const ring = new WriteKeyRing(new Map([["wk_old", "web"]]));
    const { publisher, published } = recordingPublisher();
    const swapped = buildApp({
      config: loadConfig({ COLLECTOR_WRITE_KEYS: "wk_old=web" }),
      publisher,
      writeKeys: ring,
    });
    const send = (key: string) =>
      swapped.inject({
        method: "POST",
        url: "/v1/batch",
        headers: { authorization: basicAuth(key) },
        payload: { batch: [validFixtures[0]?.event] },
      });
    expect((await send("wk_new")).statusCode).toBe(401);
    ring.replace(new Map([["wk_new", "web"]]));
    expect((await send("wk_new")).statusCode).toBe(200);
    expect((await send("wk_old")).statusCode).toBe(401);
    await swapped.close();
    expect(published).toHaveLength(1);
  });
});
