import { describe, expect, it } from "vitest";
import { isBatchRequest, sentEvents } from "../src/batch-body.js";
import { addressBlocks } from "../src/catalog.js";
import { goesPast, journeySteps, planBotJourney, planJourney } from "../src/journey.js";
import { seededRandom } from "../src/random.js";

const journeys = (count: number) => Array.from({ length: count }, (_, n) => planJourney(seededRandom(n + 1), `t-${n}`));

describe("planJourney", () => {
  it("is the same for a seed and a shopper", () => {
    expect(planJourney(seededRandom(5), "t-0")).toEqual(planJourney(seededRandom(5), "t-0"));
  });

  it("gives declined shoppers a card ending in 0002 and the others one the storefront authorizes", () => {
    const all = journeys(300);
    for (const j of all) {
      expect(j.card).toMatch(/^\d{16}$/);
      expect(j.card.endsWith("0002")).toBe(j.declined);
      expect(j.card.endsWith("0069")).toBe(false);
    }
    expect(all.some((j) => j.declined)).toBe(true);
  });

  it("places every shopper in a Brazilian block and makes sign-in addresses the shopper's own", () => {
    const all = journeys(100);
    for (const j of all) expect(addressBlocks.BR.some((block) => j.ip.startsWith(`${block}.`))).toBe(true);
    const emails = all.flatMap((j) => (j.email ? [j.email] : []));
    expect(emails.length).toBeGreaterThan(0);
    expect(new Set(emails).size).toBe(emails.length);
  });

  it("has shoppers leave at every step, and some go on to pay", () => {
    const all = journeys(300);
    for (const step of journeySteps) expect(all.some((j) => j.leavesAfter === step)).toBe(true);
    expect(all.filter((j) => j.leavesAfter === undefined).length).toBeGreaterThan(30);
  });
});

describe("planBotJourney", () => {
  it("keeps Chromium's own user agent, goes straight to one product and pays with a card that passes", () => {
    for (let n = 1; n <= 50; n++) {
      const bot = planBotJourney(seededRandom(n));
      expect(bot).toMatchObject({ direct: true, declined: false, landingQuery: "" });
      expect(bot.userAgent).toBeUndefined();
      expect(bot.leavesAfter).toBeUndefined();
      expect(bot.products).toHaveLength(1);
      expect(bot.card).toMatch(/^\d{12}[1-9]\d{3}$/);
    }
  });
});

describe("goesPast", () => {
  it("is true for the steps before the one a shopper leaves at, false from there on", () => {
    const journey = { ...planJourney(seededRandom(1), "t"), leavesAfter: "added" as const };
    expect(journeySteps.map((step) => goesPast(journey, step))).toEqual([true, true, false, false, false]);
    const { leavesAfter: _, ...payer } = journey;
    expect(journeySteps.every((step) => goesPast(payer, step))).toBe(true);
  });
});

describe("sentEvents", () => {
  it("reads each event's messageId, time and ids from a batch body", () => {
    const body = JSON.stringify({
      batch: [
        { type: "page", messageId: "m1", timestamp: "2026-12-01T10:00:00.000Z", anonymousId: "a1" },
        { type: "identify", messageId: "m2", anonymousId: "a1", userId: "u1" },
        { type: "track", event: "no id" },
      ],
      sentAt: "2026-12-01T10:00:01.000Z",
    });
    expect(sentEvents(body)).toEqual([
      { messageId: "m1", eventAt: Date.parse("2026-12-01T10:00:00.000Z"), anonymousId: "a1" },
      { messageId: "m2", eventAt: Number.NaN, anonymousId: "a1", userId: "u1" },
    ]);
  });

  it("gives no events for a body that is not a batch", () => {
    for (const body of [null, "", "not json", "[]", '{"batch":"x"}', '{"batch":[1,null,"x"]}']) {
      expect(sentEvents(body)).toEqual([]);
    }
  });

  it("recognises the SDK's batch requests only", () => {
    expect(isBatchRequest("POST", "http://127.0.0.1:1/v1/batch")).toBe(true);
    expect(isBatchRequest("OPTIONS", "http://127.0.0.1:1/v1/batch")).toBe(false);
    expect(isBatchRequest("POST", "http://127.0.0.1:1/api/checkout")).toBe(false);
  });
});
