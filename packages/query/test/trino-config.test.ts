import { describe, expect, it } from "vitest";
import { resolveTrinoConfig } from "../src/engine/trino/config.js";
import { ConfigError } from "../src/errors.js";

describe("resolveTrinoConfig", () => {
  it("takes the stack's host and port, with defaults for the rest", () => {
    expect(resolveTrinoConfig({ TRINO_HOST: "127.0.0.1", TRINO_PORT: "18090" })).toEqual({
      url: "http://127.0.0.1:18090",
      user: "shop-query",
      catalog: "hive",
      timeoutMs: 300_000,
    });
  });

  it("prefers TRINO_URL, and overrides over the environment", () => {
    const config = resolveTrinoConfig(
      { TRINO_URL: "https://trino.example:8443/", TRINO_HOST: "x", TRINO_PORT: "1", TRINO_SCHEMA: "lake" },
      { user: "analyst" },
    );
    expect(config).toMatchObject({ url: "https://trino.example:8443", user: "analyst", schema: "lake" });
  });

  it("lists every problem at once", () => {
    const error = (() => {
      try {
        resolveTrinoConfig({
          TRINO_URL: "ftp://x/path",
          TRINO_CATALOG: "Hive!",
          TRINO_TIMEOUT_MS: "soon",
          TRINO_USER: "",
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(4);
    expect(() => resolveTrinoConfig({})).toThrow(/TRINO_URL \(or TRINO_HOST and TRINO_PORT\) is not set/);
  });
});
