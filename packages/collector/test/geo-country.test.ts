import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import {
  countryCodeOf,
  defaultCountryDatabasePath,
  GeoIpDatabaseError,
  openCountryDatabase,
  publicLookupAddress,
} from "../src/enrich/geo-country.js";

const maxmindTestFile = fileURLToPath(new URL("./fixtures/GeoIP2-Country-Test.mmdb", import.meta.url));
const shipped = openCountryDatabase(defaultCountryDatabasePath());
const maxmind = openCountryDatabase(maxmindTestFile);

describe("the shipped database (ip-location-db geo-whois-asn-country)", () => {
  // Each answer was checked in the file itself (and agrees with GeoLite2 Country of the same day).
  it.each([
    ["8.8.8.8", "US"], // Google Public DNS
    ["208.67.222.222", "US"], // OpenDNS
    ["193.0.14.129", "NL"], // k.root-servers.net, RIPE NCC Amsterdam
    ["200.160.0.8", "BR"], // registro.br
    ["202.12.27.33", "JP"], // m.root-servers.net, WIDE Tokyo
    ["2001:4860:4860::8888", "US"], // Google Public DNS
    ["2001:12ff:0:4::6", "BR"], // registro.br
    ["2001:7fd::1", "NL"], // k.root-servers.net
  ])("finds the country of public %s: %s", (ip, country) => {
    expect(shipped.country(ip)).toBe(country);
  });

  it("looks IPv4-mapped IPv6 up as the IPv4 address, in either spelling", () => {
    expect(shipped.country("::ffff:8.8.8.8")).toBe("US");
    expect(shipped.country("::FFFF:c100:e81")).toBe("NL"); // 193.0.14.129
    expect(shipped.country("0:0:0:0:0:ffff:200.160.0.8")).toBe("BR");
    expect(shipped.country("::ffff:192.168.1.1")).toBeUndefined();
  });

  it("ignores an IPv6 zone index", () => {
    expect(shipped.country("2001:4860:4860::8888%eth0")).toBe("US");
  });

  // The npm file gives several of these a country (192.168.0.0/16 and 203.0.113.0/24 → AU,
  // 2001:db8::/32 → JP): they are never looked up.
  it.each([
    "10.1.2.3",
    "172.16.5.4",
    "192.168.1.1",
    "127.0.0.1",
    "169.254.10.20",
    "100.64.0.1",
    "0.0.0.0",
    "192.0.2.1",
    "198.51.100.23",
    "203.0.113.7",
    "198.18.0.1",
    "224.0.0.251",
    "240.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "fe80::1",
    "fe80::1%eth0",
    "fc00::1",
    "fd12:3456:789a::1",
    "ff02::1",
    "2001:db8::1",
    "2001::1", // Teredo
    "3fff::1",
    "64:ff9b::808:808",
    "::ffff:127.0.0.1",
  ])("gives no country for private, loopback, link-local or reserved %s", (ip) => {
    expect(shipped.country(ip)).toBeUndefined();
  });

  it.each([
    undefined,
    "",
    "unknown",
    "8.8.8",
    "8.8.8.8.8",
    "8.8.8.8:443",
    "[2001:4860:4860::8888]",
    "::ffff:8.8.8.888",
  ])("gives no country for %j, which is not an IP", (ip) => {
    expect(shipped.country(ip)).toBeUndefined();
  });

  it("is read from the npm package through module resolution", () => {
    expect(shipped.path).toMatch(/node_modules[/\\]@ip-location-db[/\\]geo-whois-asn-country-mmdb[/\\]/);
    expect(shipped.databaseType).toBe("country ipvAll");
    expect(shipped.builtAt.getTime()).toBeGreaterThan(Date.parse("2026-01-01"));
  });
});

describe("a MaxMind GeoIP2 Country file", () => {
  it("reads country.iso_code, not the registered country", () => {
    expect(maxmind.databaseType).toBe("GeoIP2-Country");
    expect(maxmind.country("81.2.69.142")).toBe("GB"); // registered_country: US
    expect(maxmind.country("89.160.20.112")).toBe("SE"); // registered_country: DE
    expect(maxmind.country("::ffff:81.2.69.142")).toBe("GB");
    expect(maxmind.country("2001:218::1")).toBe("JP");
  });

  it("gives no country for records without one (anycast, continent only) or networks it lacks", () => {
    expect(maxmind.country("214.1.1.1")).toBeUndefined(); // { traits: { is_anycast: true } }
    expect(maxmind.country("2a02:d500::1")).toBeUndefined(); // { continent: { code: "EU" } }
    expect(maxmind.country("8.8.8.8")).toBeUndefined();
  });
});

describe("countryCodeOf", () => {
  it("reads both record shapes, upper-cased", () => {
    expect(countryCodeOf({ country_code: "US" })).toBe("US");
    expect(countryCodeOf({ country_code: "br" })).toBe("BR");
    expect(countryCodeOf({ country: { iso_code: "DE", names: { en: "Germany" } } })).toBe("DE");
  });

  it("refuses what is not a country code", () => {
    for (const record of [
      null,
      "US",
      {},
      { country_code: "" },
      { country_code: "USA" },
      { country_code: 840 },
      { country_code: "1A" },
      { country_code: "EU" }, // RIR statistics' Europe-wide blocks
      { country_code: "AP" },
      { country_code: "ZZ" }, // unknown
      { country: "France" }, // a name, as IPinfo's `country` is
      { country: { names: { en: "Germany" } } },
      { registered_country: { iso_code: "US" } },
    ]) {
      expect(countryCodeOf(record), JSON.stringify(record)).toBeUndefined();
    }
  });
});

describe("publicLookupAddress", () => {
  it("keeps public addresses as they are and unmaps IPv4-mapped ones", () => {
    expect(publicLookupAddress("8.8.8.8")).toBe("8.8.8.8");
    expect(publicLookupAddress("2a00:1450:4001::1")).toBe("2a00:1450:4001::1");
    expect(publicLookupAddress("::ffff:808:808")).toBe("8.8.8.8");
  });
});

describe("openCountryDatabase", () => {
  const dir = mkdtempSync(join(tmpdir(), "collector-geoip-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("opens a file once: the same unchanged file gives the same database", () => {
    expect(openCountryDatabase(maxmindTestFile)).toBe(maxmind);
  });

  it("says why a file cannot be used", () => {
    const notMmdb = join(dir, "notes.mmdb");
    writeFileSync(notMmdb, "country,code\nBrazil,BR\n");
    const gzipped = join(dir, "GeoIP2-Country.mmdb.gz");
    writeFileSync(gzipped, gzipSync(readFileSync(maxmindTestFile)));
    const reasons = [join(dir, "missing.mmdb"), dir, notMmdb, gzipped].map((file) => {
      try {
        openCountryDatabase(file);
        return "opened";
      } catch (error) {
        expect(error).toBeInstanceOf(GeoIpDatabaseError);
        return (error as Error).message;
      }
    });
    expect(reasons).toEqual([
      expect.stringMatching(/^cannot read ".*missing\.mmdb": ENOENT/),
      `"${dir}" is not a file`,
      expect.stringMatching(/^".*notes\.mmdb" is not a MaxMind DB \(\.mmdb\) file: /),
      expect.stringMatching(/^".*GeoIP2-Country\.mmdb\.gz" is gzip-compressed; decompress it to a \.mmdb file first$/),
    ]);
  });
});
