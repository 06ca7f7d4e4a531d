import { describe, expect, it } from "vitest";
import { createEventValidator } from "../src/validate.js";
import { invalidFixtures, validFixtures } from "./fixtures.js";

const validate = createEventValidator();

describe("createEventValidator", () => {
  it.each(validFixtures.map((f) => [f.name, f.event] as const))("accepts %s", (_name, event) => {
    expect(validate(event)).toEqual({ ok: true, event });
  });

  it.each(invalidFixtures.map((f) => [f.name, f] as const))("rejects %s", (_name, fixture) => {
    const result = validate(fixture.event);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rejection.code).toBe(fixture.expect.code);
    if (fixture.expect.path) expect(result.rejection.path).toBe(fixture.expect.path);
    expect(result.rejection.message.length).toBeGreaterThan(5);
  });

  it("explains a missing identity in words", () => {
    const result = validate({ type: "track", event: "X", messageId: "m" });
    expect(result).toMatchObject({ ok: false, rejection: { message: "either anonymousId or userId is required" } });
  });

  it("takes names and ids in any script, emoji included; control characters only in free text", () => {
    const event = {
      type: "track",
      event: "Produto Visualizado — 見た 👀",
      messageId: "m",
      userId: "usuário-1",
      properties: { description: "two lines\nof text" },
    };
    expect(validate(event).ok).toBe(true);
  });

  it("names the control character it refused", () => {
    const result = validate({ type: "track", event: "Product\u0000Viewed", messageId: "m", anonymousId: "a" });
    expect(result).toMatchObject({
      ok: false,
      rejection: { code: "control_character", path: "/event", message: expect.stringContaining("U+0000") },
    });
  });

  it("keeps unknown properties of e-commerce events (shops add their own)", () => {
    const event = {
      type: "track",
      event: "Product Viewed",
      messageId: "m",
      anonymousId: "a",
      properties: { product_id: "p", color: "red" },
    };
    expect(validate(event).ok).toBe(true);
  });
});
