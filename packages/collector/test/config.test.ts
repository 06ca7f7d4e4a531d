import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { multiProcessProblems } from "../src/config.js";
import { devConfig, problemsOf } from "./setup-app.js";

describe("HTTP settings from the environment", () => {
  it("has safe defaults", () => {
    const config = devConfig({});
    expect(config).toMatchObject({
      maxJsonDepth: 32,
      ipRateLimit: undefined,
      writeKeyRateLimit: undefined,
      rateLimitMaxClients: 100_000,
      requestTimeoutMs: 10_000,
      connectionTimeoutMs: 60_000,
      keepAliveTimeoutMs: 72_000,
      hstsMaxAgeSeconds: 0,
      logRequests: false,
    });
    expect(config.sourceOrigins.size).toBe(0);
  });

  it("refuses port 0 (any free port) for several processes, which each bind the port themselves", () => {
    expect(multiProcessProblems(devConfig({ COLLECTOR_PORT: "0", COLLECTOR_WORKERS: "2" }))).toEqual([
      "COLLECTOR_PORT=0 (any free port) cannot be shared by COLLECTOR_WORKERS > 1: give a port",
    ]);
    expect(multiProcessProblems(devConfig({ COLLECTOR_PORT: "0", COLLECTOR_WORKERS: "1" }))).toEqual([]);
    expect(multiProcessProblems(devConfig({ COLLECTOR_PORT: "18080", COLLECTOR_WORKERS: "2" }))).toEqual([]);
  });

  it("reads every setting", () => {
    const config = devConfig({
      COLLECTOR_WRITE_KEYS: "k1=web,k2=app",
      COLLECTOR_SOURCE_ORIGINS: "web=https://a.example|http://localhost:3000,app=*",
      COLLECTOR_MAX_JSON_DEPTH: "12",
      COLLECTOR_RATE_LIMIT_IP_PER_SECOND: "20",
      COLLECTOR_RATE_LIMIT_IP_BURST: "40",
      COLLECTOR_RATE_LIMIT_WRITE_KEY_PER_SECOND: "5000",
      COLLECTOR_RATE_LIMIT_MAX_CLIENTS: "1000",
      COLLECTOR_REQUEST_TIMEOUT_MS: "5000",
      COLLECTOR_CONNECTION_TIMEOUT_MS: "30000",
      COLLECTOR_KEEP_ALIVE_TIMEOUT_MS: "65000",
      COLLECTOR_HSTS_MAX_AGE_SECONDS: "86400",
      COLLECTOR_LOG_REQUESTS: "yes",
      COLLECTOR_TRUST_PROXY: "10.0.0.0/8, loopback, ::1",
    });
    expect(config).toMatchObject({
      maxJsonDepth: 12,
      ipRateLimit: { perSecond: 20, burst: 40 },
      writeKeyRateLimit: { perSecond: 5000, burst: 10_000 },
      rateLimitMaxClients: 1000,
      requestTimeoutMs: 5000,
      connectionTimeoutMs: 30_000,
      keepAliveTimeoutMs: 65_000,
      hstsMaxAgeSeconds: 86_400,
      logRequests: true,
    });
    expect(Object.fromEntries(config.sourceOrigins)).toEqual({
      web: ["https://a.example", "http://localhost:3000"],
      app: ["*"],
    });
  });

  it("lists every problem at once, each naming its variable", () => {
    const problems = problemsOf({
      COLLECTOR_MAX_JSON_DEPTH: "2",
      COLLECTOR_RATE_LIMIT_IP_PER_SECOND: "fast",
      COLLECTOR_LOG_REQUESTS: "maybe",
      COLLECTOR_LOG_LEVEL: "loud",
      COLLECTOR_HSTS_MAX_AGE_SECONDS: "-5",
      COLLECTOR_TRUST_PROXY: "10.0.0.0/33,proxy.internal",
      COLLECTOR_SOURCE_ORIGINS: "web=https://a.example",
    });
    expect(problems).toHaveLength(8);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^COLLECTOR_RATE_LIMIT_IP_PER_SECOND must be an integer/),
        'COLLECTOR_TRUST_PROXY entry "10.0.0.0/33" must be an IP address, a CIDR range, loopback, linklocal or uniquelocal',
        'COLLECTOR_TRUST_PROXY entry "proxy.internal" must be an IP address, a CIDR range, loopback, linklocal or uniquelocal',
        'COLLECTOR_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
        expect.stringMatching(/^COLLECTOR_MAX_JSON_DEPTH must be an integer from 4 to 1000/),
        'COLLECTOR_LOG_REQUESTS must be true or false (got "maybe")',
        expect.stringMatching(/^COLLECTOR_HSTS_MAX_AGE_SECONDS must be an integer/),
        'COLLECTOR_SOURCE_ORIGINS names source "web", which no write key maps to',
      ]),
    );
  });
});

describe("COLLECTOR_GEOIP_DB", () => {
  it("defaults to the database shipped in the npm package, opened at start-up", () => {
    const { geoIp } = devConfig({});
    expect(geoIp?.path).toMatch(/node_modules[/\\]@ip-location-db[/\\]geo-whois-asn-country-mmdb[/\\]/);
    expect(geoIp?.country("8.8.8.8")).toBe("US");
  });

  it("turns the lookup off with off", () => {
    expect(devConfig({ COLLECTOR_GEOIP_DB: "off" }).geoIp).toBeUndefined();
    expect(devConfig({ COLLECTOR_GEOIP_DB: " OFF " }).geoIp).toBeUndefined();
  });

  it("names another MaxMind-format file", () => {
    const file = fileURLToPath(new URL("./fixtures/GeoIP2-Country-Test.mmdb", import.meta.url));
    expect(devConfig({ COLLECTOR_GEOIP_DB: file }).geoIp).toMatchObject({
      path: file,
      databaseType: "GeoIP2-Country",
    });
  });

  it("stops the collector on a missing or unusable file, with every other problem", () => {
    const readme = fileURLToPath(new URL("../README.md", import.meta.url));
    expect(problemsOf({ COLLECTOR_GEOIP_DB: "/nonexistent/GeoIP2-Country.mmdb", COLLECTOR_PORT: "x" })).toEqual([
      expect.stringMatching(/^COLLECTOR_PORT must be an integer/),
      'COLLECTOR_GEOIP_DB: cannot read "/nonexistent/GeoIP2-Country.mmdb": ENOENT: no such file or directory, stat \'/nonexistent/GeoIP2-Country.mmdb\' (set it to a MaxMind-format country database, .mmdb, or to "off")',
    ]);
    expect(problemsOf({ COLLECTOR_GEOIP_DB: readme })).toEqual([
      expect.stringMatching(
        /^COLLECTOR_GEOIP_DB: ".*README\.md" is not a MaxMind DB \(\.mmdb\) file: .* or to "off"\)$/,
      ),
    ]);
  });
});
