import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { isIPv4, isIPv6 } from "node:net";
import { resolve } from "node:path";
import { Reader } from "mmdb-lib";

/**
 * The country database the collector ships with, as a module specifier: resolved through Node's
 * module resolution (not a repository path), so the deployed package and the container find it in
 * their own node_modules. ip-location-db's "geo-whois-asn" country set (see README: licence).
 */
export const DEFAULT_GEOIP_DATABASE = "@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb";

/** An opened MaxMind-format (.mmdb) country database: opened once, then only looked up. */
export interface CountryDatabase {
  readonly path: string;
  /** The file's own `database_type`, e.g. `GeoIP2-Country` or `country ipvAll`. */
  readonly databaseType: string;
  readonly builtAt: Date;
  /**
   * ISO 3166-1 alpha-2 country (upper case) of a public IP; undefined for private, loopback,
   * link-local, reserved, unparseable and unknown addresses.
   */
  country(ip: string | undefined): string | undefined;
}

export class GeoIpDatabaseError extends Error {
  override name = "GeoIpDatabaseError";
}

/**
 * Region codes some registries put where a country belongs (RIR statistics' `EU` and `AP`, and
 * `ZZ` for "unknown"): none of them is a country, so none is published.
 */
const NOT_COUNTRIES = new Set(["EU", "AP", "ZZ"]);

/**
 * The country code of a database record, for the two shapes in use: ip-location-db and IPinfo
 * (`{ country_code: "US" }`) and MaxMind GeoIP2/GeoLite2 Country or City and DB-IP
 * (`{ country: { iso_code: "US" } }`). MaxMind's `registered_country` (where the block is
 * registered, not where it is used) is deliberately not a fallback: a record without `country`
 * (anycast, continent-only) gives no country.
 */
export function countryCodeOf(record: unknown): string | undefined {
  if (record === null || typeof record !== "object") return undefined;
  const { country_code: code, country } = record as { country_code?: unknown; country?: unknown };
  const raw =
    typeof code === "string"
      ? code
      : country !== null && typeof country === "object"
        ? (country as { iso_code?: unknown }).iso_code
        : undefined;
  if (typeof raw !== "string" || raw.length !== 2) return undefined;
  const upper = raw.toUpperCase();
  return /^[A-Z]{2}$/.test(upper) && !NOT_COUNTRIES.has(upper) ? upper : undefined;
}

/** An IPv4 address as an unsigned 32-bit number (the caller has checked it with isIPv4). */
function ipv4Number(ip: string): number {
  let value = 0;
  for (const part of ip.split(".")) value = value * 256 + Number(part);
  return value;
}

/**
 * IPv4 blocks that are not globally reachable (IANA special-purpose registry, multicast and the
 * reserved 240/4), as [first address, prefix length]. A lookup there would be wrong at best:
 * ip-location-db's npm files give 192.168.0.0/16 and 203.0.113.0/24 a country.
 */
const IPV4_NOT_PUBLIC: Array<[string, number]> = [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation (TEST-NET-1)
  ["192.88.99.0", 24], // deprecated 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation (TEST-NET-2)
  ["203.0.113.0", 24], // documentation (TEST-NET-3)
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and the broadcast address
];
const ipv4Blocks = IPV4_NOT_PUBLIC.map(([first, bits]) => {
  const size = 2 ** (32 - bits);
  const start = ipv4Number(first);
  return { start, end: start + size };
});

const isPublicIpv4 = (ip: string) => {
  const value = ipv4Number(ip);
  return !ipv4Blocks.some(({ start, end }) => value >= start && value < end);
};

/** The eight 16-bit groups of an IPv6 address (checked with isIPv6, zone removed), an embedded IPv4 tail included. */
function ipv6Groups(ip: string): number[] {
  let text = ip;
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".", lastColon)) {
    const v4 = ipv4Number(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(zeros).fill("0"), ...tailGroups].map((group) => Number.parseInt(group, 16));
}

/**
 * Public IPv6 is global unicast (2000::/3) less the blocks in it that are not globally reachable:
 * IETF protocol assignments and Teredo (2001::/23) and the two documentation prefixes.
 */
function isPublicIpv6([g0 = 0, g1 = 0]: number[]): boolean {
  if ((g0 & 0xe000) !== 0x2000) return false;
  if (g0 === 0x2001 && (g1 < 0x0200 || g1 === 0x0db8)) return false; // 2001::/23, 2001:db8::/32
  if (g0 === 0x3fff && g1 < 0x1000) return false; // 3fff::/20
  return true;
}

/**
 * The address to look up for a public IP, or undefined: IPv4-mapped IPv6 (`::ffff:a.b.c.d`, either
 * spelling) becomes the IPv4 address (the ip-location-db files have no data under ::ffff:0:0/96), a
 * zone index is dropped, and anything that is not a public address gives undefined.
 */
export function publicLookupAddress(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  if (isIPv4(ip)) return isPublicIpv4(ip) ? ip : undefined;
  const zone = ip.indexOf("%");
  const address = zone === -1 ? ip : ip.slice(0, zone);
  if (!isIPv6(address)) return undefined;
  const groups = ipv6Groups(address.toLowerCase());
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const v4 = `${(groups[6] ?? 0) >> 8}.${(groups[6] ?? 0) & 0xff}.${(groups[7] ?? 0) >> 8}.${(groups[7] ?? 0) & 0xff}`;
    return isPublicIpv4(v4) ? v4 : undefined;
  }
  return isPublicIpv6(groups) ? address : undefined;
}

/**
 * Decoded records by their offset in the file (mmdb-lib's cache hook). A country file holds a few
 * hundred distinct records, so keeping them all skips the decoding of almost every lookup (IPv4:
 * 0.55–0.65 µs instead of 1.0–1.1 µs per lookup, see README "Country of the client IP"); the bound
 * keeps a city-sized file from growing it without limit. Records are shared, and only ever read.
 */
function recordCache(max: number) {
  const records = new Map<string | number, unknown>();
  return {
    get: (offset: string | number) => records.get(offset),
    set: (offset: string | number, record: unknown) => {
      if (records.size < max) records.set(offset, record);
    },
  };
}

const opened = new Map<string, CountryDatabase>();

/**
 * Opens a MaxMind-format database once per file (read whole into memory: ~8 MB for the default) and
 * returns its lookup. Later calls for the same unchanged file return the same database, so building
 * many apps in one process (tests) does not read it again. Throws GeoIpDatabaseError with the reason
 * when the file cannot be read or is not a MaxMind DB.
 */
export function openCountryDatabase(file: string): CountryDatabase {
  const path = resolve(file);
  let key: string;
  let bytes: Buffer;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new GeoIpDatabaseError(`"${path}" is not a file`);
    key = `${path}\0${stat.size}\0${stat.mtimeMs}`;
    const known = opened.get(key);
    if (known) return known;
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof GeoIpDatabaseError) throw error;
    throw new GeoIpDatabaseError(`cannot read "${path}": ${(error as Error).message}`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new GeoIpDatabaseError(`"${path}" is gzip-compressed; decompress it to a .mmdb file first`);
  }
  let reader: Reader<Record<string, unknown>>;
  try {
    reader = new Reader(bytes, { cache: recordCache(10_000) });
  } catch (error) {
    throw new GeoIpDatabaseError(`"${path}" is not a MaxMind DB (.mmdb) file: ${(error as Error).message}`);
  }
  const ipv4Only = reader.metadata.ipVersion === 4;
  const database: CountryDatabase = {
    path,
    databaseType: reader.metadata.databaseType,
    builtAt: reader.metadata.buildEpoch,
    country(ip) {
      const address = publicLookupAddress(ip);
      if (address === undefined || (ipv4Only && !isIPv4(address))) return undefined;
      try {
        return countryCodeOf(reader.get(address));
      } catch {
        // A corrupt search tree or data section: no country rather than a failed request.
        return undefined;
      }
    },
  };
  opened.set(key, database);
  return database;
}

/** The path of the database shipped with the collector, or an error saying it is not installed. */
export function defaultCountryDatabasePath(): string {
  try {
    return createRequire(import.meta.url).resolve(DEFAULT_GEOIP_DATABASE);
  } catch (error) {
    throw new GeoIpDatabaseError(
      `the default database ${DEFAULT_GEOIP_DATABASE} is not installed: ${(error as Error).message}`,
    );
  }
}
