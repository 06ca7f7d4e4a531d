import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { collectorErrors } from "../src/http/errors.js";
import { rejectionCodes } from "../src/http/responses.js";
import { readmeEnv } from "./support/readme-env.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const readme = readFileSync(join(root, "README.md"), "utf8");
const sources = (readdirSync(join(root, "src"), { recursive: true }) as string[])
  .filter((file) => file.endsWith(".ts"))
  .map((file) => readFileSync(join(root, "src", file), "utf8"));

describe("README.md stays true", () => {
  it("documents every environment variable the code reads", () => {
    const names = new Set(
      sources.flatMap((text) => [...text.matchAll(/"((?:COLLECTOR|KAFKA)_[A-Z_]+)"/g)].map((m) => m[1])),
    );
    expect(names.size).toBeGreaterThan(20);
    for (const name of names) expect(readme, `${name} is not in README.md`).toContain(name);
  });

  it("lists every error code", () => {
    for (const code of Object.keys(collectorErrors)) {
      if (code !== "internal") expect(readme, `${code} is not in README.md`).toContain(`\`${code}\``);
    }
  });

  it("has a row for every rejection code, and no other", () => {
    const section = readme.slice(readme.indexOf("Rejection codes"), readme.indexOf("## Enrichment"));
    const rows = [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    expect(rows).toEqual(Object.keys(rejectionCodes));
  });

  it("has an MSK IAM example the collector accepts as it stands", () => {
    // (The SCRAM example names files, so test/managed-kafka.integration.test.ts runs it instead.)
    // The key file it names is the operator's; the test's own stands in.
    const keys = join(mkdtempSync(join(tmpdir(), "collector-readme-")), "write-keys");
    writeFileSync(keys, "wk=web-shop\n");
    const { kafkaSecurity, kafkaBrokers } = loadConfig({
      ...readmeEnv("msk-iam"),
      COLLECTOR_WRITE_KEYS_FILE: keys,
      COLLECTOR_GEOIP_DB: "off",
    });
    expect(kafkaSecurity).toEqual({
      protocol: "SASL_SSL",
      tls: { pem: {} },
      sasl: { mechanism: "AWS_MSK_IAM", region: "eu-west-1" },
    });
    expect(kafkaBrokers.every((broker) => broker.endsWith(".amazonaws.com:9098"))).toBe(true);
  });
});
