import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signBody, verifySignature } from "../src/core/signature.js";

const secret = "whsec_0123456789abcdef";
const body = '{"alertId":"a"}';
const t = 1_800_000_000;

describe("webhook signatures (HMAC-SHA256 over timestamp.body)", () => {
  it("is the documented HMAC, so a shop can check it without our code", () => {
    const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
    expect(signBody(secret, body, t)).toBe(`t=${t},v1=${expected}`);
  });

  it("verifies its own signature within the tolerance", () => {
    expect(verifySignature(secret, signBody(secret, body, t), body, t + 299)).toEqual({ ok: true });
  });

  it("refuses a changed body, another secret, an old timestamp, and a missing or garbled header", () => {
    const header = signBody(secret, body, t);
    expect(verifySignature(secret, header, `${body} `, t)).toEqual({ ok: false, reason: "mismatch" });
    expect(verifySignature("another-secret-0000", header, body, t)).toEqual({ ok: false, reason: "mismatch" });
    expect(verifySignature(secret, header, body, t + 301)).toEqual({ ok: false, reason: "expired" });
    expect(verifySignature(secret, undefined, body, t)).toEqual({ ok: false, reason: "missing" });
    expect(verifySignature(secret, "v1=abc", body, t)).toEqual({ ok: false, reason: "malformed" });
  });
});
