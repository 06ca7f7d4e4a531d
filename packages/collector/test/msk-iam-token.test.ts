import { createHash, createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { librdkafkaSecurityConfig } from "../src/publish/kafka-security.js";
import {
  type AwsCredentials,
  createMskIamTokenProvider,
  MskIamTokenError,
  type MskIamTokenProvider,
} from "../src/publish/msk-iam-token.js";

/**
 * The MSK IAM token, decoded and checked field by field against how AWS's signer builds it, with
 * fixed credentials and a fixed clock; its signature recomputed here from the SigV4 specification.
 * (No real MSK here: a broker that checks the signature is AWS's.)
 */
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const REGION = "eu-west-1";
const keys: AwsCredentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const fixed = (credentials: AwsCredentials) => async () => credentials;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

function decode(token: string) {
  expect(token).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
  const url = new URL(Buffer.from(token, "base64url").toString("utf8"));
  return { url, query: Object.fromEntries(url.searchParams) };
}

const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();
const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");

/** SigV4 of a presigned GET with only the host header signed, computed from the specification. */
function expectedSignature(url: URL, secretAccessKey: string): string {
  const params = [...url.searchParams].filter(([name]) => name !== "X-Amz-Signature" && name !== "User-Agent");
  const canonicalQuery = params
    .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
    .sort()
    .join("&");
  const canonicalRequest = ["GET", "/", canonicalQuery, `host:${url.host}\n`, "host", sha256("")].join("\n");
  const amzDate = url.searchParams.get("X-Amz-Date") as string;
  const scope = (url.searchParams.get("X-Amz-Credential") as string).split("/").slice(1).join("/");
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  const [date, region, service] = scope.split("/") as [string, string, string];
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), "aws4_request");
  return createHmac("sha256", signingKey).update(stringToSign).digest("hex");
}

describe("MSK IAM token", () => {
  it("is a SigV4-presigned kafka-cluster:Connect URL for the region's MSK host, valid 900 s", async () => {
    const token = await createMskIamTokenProvider({ region: REGION, credentials: fixed(keys) }).current();
    const { url, query } = decode(token.value);
    expect(url.protocol).toBe("https:");
    expect(url.host).toBe("kafka.eu-west-1.amazonaws.com");
    expect(url.pathname).toBe("/");
    expect(query).toMatchObject({
      Action: "kafka-cluster:Connect",
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Credential": "AKIDEXAMPLE/20260102/eu-west-1/kafka-cluster/aws4_request",
      "X-Amz-Date": "20260102T030405Z",
      "X-Amz-Expires": "900",
      "X-Amz-SignedHeaders": "host",
    });
    expect(query["User-Agent"]).toMatch(/^aws-msk-iam-sasl-signer-js\/\d+\.\d+\.\d+$/);
    expect(query).not.toHaveProperty("X-Amz-Security-Token");
    expect(query["X-Amz-Signature"]).toMatch(/^[0-9a-f]{64}$/);
    expect(query["X-Amz-Signature"]).toBe(expectedSignature(url, keys.secretAccessKey));
    // Signed at the clock's whole second; expires 900 s later.
    expect(token.expiresAtMs).toBe(Date.UTC(2026, 0, 2, 3, 4, 5) + 900_000);
  });

  it("carries the session token of temporary credentials, inside the signature", async () => {
    const temporary = { ...keys, sessionToken: "FwoGZXIvYXdzE/session+token=" };
    const token = await createMskIamTokenProvider({ region: "us-east-1", credentials: fixed(temporary) }).current();
    const { url, query } = decode(token.value);
    expect(url.host).toBe("kafka.us-east-1.amazonaws.com");
    expect(query["X-Amz-Security-Token"]).toBe(temporary.sessionToken);
    expect(query["X-Amz-Signature"]).toBe(expectedSignature(url, keys.secretAccessKey));
    // A signature without the session token would differ: the check above is not vacuous.
    url.searchParams.delete("X-Amz-Security-Token");
    expect(query["X-Amz-Signature"]).not.toBe(expectedSignature(url, keys.secretAccessKey));
  });

  it("expires with credentials that expire sooner, and still signs whole seconds", async () => {
    // Signer 1.0.3 given this expiration would sign X-Amz-Expires=600.5.
    const expiration = new Date(NOW + 600_500);
    const token = await createMskIamTokenProvider({
      region: REGION,
      credentials: fixed({ ...keys, sessionToken: "t", expiration }),
    }).current();
    expect(decode(token.value).query["X-Amz-Expires"]).toBe("900");
    expect(token.expiresAtMs).toBe(expiration.getTime());
  });

  it("refuses expired credentials and a chain without credentials, saying which", async () => {
    const expired = createMskIamTokenProvider({
      region: REGION,
      credentials: fixed({ ...keys, expiration: new Date(NOW - 1000) }),
    });
    await expect(expired.current()).rejects.toThrow(/AWS credentials for MSK IAM expired at 2026-01-02T03:04:04/);
    const none = createMskIamTokenProvider({
      region: REGION,
      credentials: async () => {
        throw new Error("Could not load credentials from any providers");
      },
    });
    const error = await none.current().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MskIamTokenError);
    expect((error as Error).message).toMatch(/no AWS credentials for MSK IAM .*Could not load credentials/);
  });
});

describe("MSK IAM token refresh", () => {
  /** Credentials that change on every call, as a rotating role's do: AKID1, AKID2, … */
  function rotating() {
    let calls = 0;
    const credentials = async () => {
      calls += 1;
      return { accessKeyId: `AKID${calls}`, secretAccessKey: `secret-${calls}` };
    };
    return { credentials, calls: () => calls };
  }
  const accessKeyOf = (token: { value: string }) =>
    (decode(token.value).query["X-Amz-Credential"] as string).split("/")[0];

  it("reuses a token until 80% of its life has passed, then signs a new one with fresh credentials", async () => {
    const source = rotating();
    const provider = createMskIamTokenProvider({ region: REGION, credentials: source.credentials });
    const first = await provider.current();
    expect(accessKeyOf(first)).toBe("AKID1");

    vi.setSystemTime(NOW + 719_000); // 0.8 × 900 s = 720 s
    expect(await provider.current()).toBe(first);
    expect(source.calls()).toBe(1);

    vi.setSystemTime(NOW + 720_000);
    const second = await provider.current();
    expect(accessKeyOf(second)).toBe("AKID2");
    expect(second.value).not.toBe(first.value);
    expect(second.expiresAtMs).toBe(Date.UTC(2026, 0, 2, 3, 16, 5) + 900_000);
    expect(decode(second.value).query["X-Amz-Date"]).toBe("20260102T031605Z");
  });

  it("signs once for concurrent requests", async () => {
    const source = rotating();
    const provider = createMskIamTokenProvider({ region: REGION, credentials: source.credentials });
    const tokens = await Promise.all([provider.current(), provider.current(), provider.current()]);
    expect(new Set(tokens.map((token) => token.value)).size).toBe(1);
    expect(source.calls()).toBe(1);
  });

  it("always signs anew on refresh, and current() then returns that token", async () => {
    const source = rotating();
    const provider = createMskIamTokenProvider({ region: REGION, credentials: source.credentials });
    const first = await provider.current();
    const refreshed = await provider.refresh();
    expect(accessKeyOf(refreshed)).toBe("AKID2");
    expect(refreshed.value).not.toBe(first.value);
    expect(await provider.current()).toBe(refreshed);
  });

  it("hands librdkafka each new token with its expiry in ms since the epoch", async () => {
    const source = rotating();
    let provider: MskIamTokenProvider | undefined;
    const config = librdkafkaSecurityConfig(
      { protocol: "SASL_SSL", tls: { pem: {} }, sasl: { mechanism: "AWS_MSK_IAM", region: REGION } },
      (region) => {
        provider = createMskIamTokenProvider({ region, credentials: source.credentials });
        return provider;
      },
    );
    expect(config["sasl.mechanisms"]).toBe("OAUTHBEARER");
    const refreshCallback = config.oauthbearer_token_refresh_cb as () => Promise<{
      tokenValue: string;
      lifetime: number;
      principal: string;
    }>;
    const first = await refreshCallback();
    expect(first.lifetime).toBe(Date.UTC(2026, 0, 2, 3, 4, 5) + 900_000);
    expect(accessKeyOf({ value: first.tokenValue })).toBe("AKID1");
    expect(decode(first.tokenValue).url.host).toBe("kafka.eu-west-1.amazonaws.com");

    // librdkafka calls again at 80% of the lifetime: a new token, signed with the new credentials.
    vi.setSystemTime(NOW + 720_000);
    const second = await refreshCallback();
    expect(accessKeyOf({ value: second.tokenValue })).toBe("AKID2");
    expect(second.lifetime).toBe(first.lifetime + 720_000);
    expect(provider).toBeDefined();
  });
});
