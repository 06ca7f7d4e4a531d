import type { BatchPayload } from "@shop/tracker";
import { describe, expect, it } from "vitest";
import { addressBlocks } from "../src/catalog.js";
import { runLoad } from "../src/simulate.js";
import type { TransportFactory } from "../src/transport.js";

type Sent = {
  ip: string | undefined;
  writeKey: string | undefined;
  event: BatchPayload["batch"][number] & Record<string, unknown>;
};

async function labelledRun() {
  const sent: Sent[] = [];
  const transports: TransportFactory = (ip) => ({
    send: async (_url, payload) => {
      for (const event of payload.batch) {
        sent.push({ ip: ip(), writeKey: payload.writeKey, event: event as Sent["event"] });
      }
      return { status: 200 };
    },
  });
  const now = Date.parse("2026-11-28T15:00:00.000Z");
  const run = await runLoad({
    host: "http://x",
    writeKey: "k",
    serverWriteKey: "k-server",
    shoppers: 0,
    seed: 9,
    windowMs: 3 * 3_600_000,
    fraudCases: 1,
    runTag: "s",
    transports,
    now,
  });
  const props = (e: Sent["event"]) => (e.properties ?? {}) as Record<string, unknown>;
  const ofCase = (scenario: string) => {
    const c = run.cases.find((x) => x.scenario === scenario);
    if (!c) throw new Error(`no ${scenario} case`);
    const mine = sent.filter(
      ({ event }) =>
        c.anonymousIds.includes(String(event.anonymousId)) || c.checkoutIds.includes(String(props(event).checkout_id)),
    );
    return { c, mine, payments: mine.filter((s) => s.event.event === "Payment Attempted") };
  };
  return { run, sent, props, ofCase };
}

describe("labelled scenarios", async () => {
  const { run, sent, props, ofCase } = await labelledRun();

  it("sends the backend's events (the shopper's IP in context.ip) with the server source's key, the browsers' without one", () => {
    const withIp = sent.filter((s) => (s.event.context as { ip?: string } | undefined)?.ip !== undefined);
    const browsers = sent.filter((s) => (s.event.context as { ip?: string } | undefined)?.ip === undefined);
    expect(withIp.length).toBeGreaterThan(0);
    expect(browsers.length).toBeGreaterThan(0);
    expect(new Set(withIp.map((s) => s.writeKey))).toEqual(new Set(["k-server"]));
    expect(new Set(browsers.map((s) => s.writeKey))).toEqual(new Set(["k"]));
  });

  it("labels three frauds and three hard negatives", () => {
    expect(run.cases.map((c) => [c.scenario, c.fraud])).toEqual([
      ["card_testing", true],
      ["account_takeover", true],
      ["bot_checkout", true],
      ["big_spender", false],
      ["traveller", false],
      ["declined_once", false],
    ]);
  });

  it("card testing: 8 cards of 8 issuers on one checkout, 7 declined, from an address abroad", () => {
    const { payments } = ofCase("card_testing");
    expect(payments).toHaveLength(8);
    expect(new Set(payments.map((p) => props(p.event).card_fingerprint)).size).toBe(8);
    expect(new Set(payments.map((p) => props(p.event).card_bin)).size).toBe(8);
    expect(payments.filter((p) => props(p.event).status === "declined")).toHaveLength(7);
    expect(new Set(payments.map((p) => props(p.event).checkout_id)).size).toBe(1);
    const ip = String((payments[0]?.event.context as { ip?: string } | undefined)?.ip);
    const abroad = [...addressBlocks.NG, ...addressBlocks.US, ...addressBlocks.DE];
    expect(abroad.some((block) => ip.startsWith(`${block}.`))).toBe(true);
  });

  it("account takeover: a week of small orders before the attack, then a new device and a big order", () => {
    const { c, mine } = ofCase("account_takeover");
    const starts = Date.parse(c.startsAt);
    const orders = mine.filter((s) => s.event.event === "Order Completed");
    const before = orders.filter((s) => Date.parse(String(s.event.timestamp)) < starts);
    const after = orders.filter((s) => Date.parse(String(s.event.timestamp)) >= starts);
    expect(before.length).toBeGreaterThanOrEqual(5);
    expect(before.every((s) => Number(props(s.event).revenue) <= 250)).toBe(true);
    expect(after).toHaveLength(1);
    const order = after[0];
    expect(order && Number(props(order.event).revenue)).toBeGreaterThanOrEqual(1500);
    expect(c.anonymousIds).toHaveLength(2);
    expect(after[0]?.event.anonymousId).toBe(c.anonymousIds[1]);
    expect(Math.min(...before.map((s) => Date.parse(String(s.event.timestamp))))).toBeGreaterThan(
      starts - 7 * 86_400_000,
    );
  });

  it("traveller: the same device, signed in from another network hours after its last visit", () => {
    const { c, mine } = ofCase("traveller");
    const starts = Date.parse(c.startsAt);
    const signIns = mine.filter((s) => s.event.event === "Signed In");
    const abroad = signIns.filter((s) => Date.parse(String(s.event.timestamp)) >= starts);
    expect(abroad).toHaveLength(1);
    expect(addressBlocks.PT.some((block) => abroad[0]?.ip?.startsWith(`${block}.`))).toBe(true);
    const lastAtHome = Math.max(
      ...mine
        .filter((s) => Date.parse(String(s.event.timestamp)) < starts)
        .map((s) => Date.parse(String(s.event.timestamp))),
    );
    expect(starts - lastAtHome).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect(c.anonymousIds).toHaveLength(1);
  });

  it("declined once: one decline, then an authorized payment and the order", () => {
    const { payments, mine } = ofCase("declined_once");
    expect(payments.map((p) => props(p.event).status)).toEqual(["declined", "authorized"]);
    expect(mine.filter((s) => s.event.event === "Order Completed")).toHaveLength(1);
  });
});
