import { describe, expect, it } from "vitest";
import { setupApp } from "./setup-app.js";
import { cardBatch, cardPaths, cards, expectNoCardIn, maskOf } from "./support/cards.js";
import { logCapture } from "./support/log-capture.js";

describe("payment card numbers (pan_detected)", () => {
  it("are rejected, dead-lettered masked, and appear in no answer, record or log line", async () => {
    const capture = logCapture();
    const { app, published, failWith } = setupApp(
      { COLLECTOR_LOG_LEVEL: "trace", COLLECTOR_LOG_REQUESTS: "true" },
      { logger: { stream: capture.stream } },
    );
    const events = cardBatch("unit");
    const { clean, lookAlikes, ...withCards } = events;
    const batch = [clean, ...Object.values(withCards), lookAlikes];
    const response = await app.inject({ method: "POST", url: "/v1/batch", payload: { batch } });

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual(
      Object.entries(withCards).map(([name, event], i) => ({
        index: i + 1,
        messageId: event.messageId,
        code: "pan_detected",
        message: expect.stringContaining("holds a payment card number"),
        path: cardPaths[name as keyof typeof cardPaths],
      })),
    );
    expectNoCardIn(response.body);

    const raw = published.filter((r) => r.topic === "events.raw").map((r) => JSON.parse(r.value).event);
    expect(raw).toEqual([clean, lookAlikes]); // look-alikes accepted unchanged
    const deadLetters = published.filter((r) => r.topic === "events.invalid");
    expect(deadLetters.map((r) => r.key)).toEqual(Object.values(withCards).map((e) => e.messageId));
    for (const record of deadLetters) expectNoCardIn(record.value);
    const originals = deadLetters.map((r) => JSON.parse(r.value).original);
    expect(originals[0]).toEqual({
      ...withCards.spaces,
      properties: { note: `please charge ${maskOf(cards.visaSpaces)} again`, step: 2 },
    });
    expect(originals[1].properties.card).toBe(maskOf(cards.mastercardDashes));
    expect(originals[2].properties.payment.pan).toBe(maskOf(cards.visaNumber));
    expect(originals[3].properties.attempts).toEqual([{ memo: ["first try", maskOf(cards.amex)] }]);
    expect(originals[4].context.traits.saved_card).toBe(maskOf(cards.discover));
    expect(originals[5].traits).toEqual({ email_hint: "a@example.com", card_on_file: maskOf(cards.jcb) });

    failWith(true); // the publish failure is logged with its error
    expect((await app.inject({ method: "POST", url: "/v1/batch", payload: { batch } })).statusCode).toBe(503);
    expect(capture.lines.length).toBeGreaterThan(2);
    expectNoCardIn(capture.lines.join("\n"));
  });

  it("are masked in the answer and the record key when the messageId or a key is the number itself", async () => {
    const { app, published } = setupApp();
    const event = {
      type: "track",
      event: "Checkout Note Added",
      messageId: cards.amex,
      anonymousId: "a-pan",
      properties: { [cards.discover]: cards.discover },
    };
    const response = await app.inject({
      method: "POST",
      url: "/v1/batch",
      payload: { batch: [event, cardBatch("key").clean] },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().rejected).toEqual([
      expect.objectContaining({ index: 0, messageId: maskOf(cards.amex), code: "pan_detected" }),
    ]);
    expectNoCardIn(response.body);
    const [deadLetter] = published.filter((r) => r.topic === "events.invalid");
    expect(deadLetter?.key).toBe(maskOf(cards.amex));
    // The reason's path and message name the masked key. (The object key in `original` is not masked:
    // the contract's redactCardNumbers masks values only, and its detector does not look at keys.)
    const reason = JSON.parse(deadLetter?.value ?? "{}").reason;
    expect(reason.path).toBe(`/properties/${maskOf(cards.discover)}`);
    expectNoCardIn(JSON.stringify(reason));
  });

  it("leave no valid event: 400 no_valid_events whose details name the reason, not the number", async () => {
    const { app, published } = setupApp();
    const response = await app.inject({
      method: "POST",
      url: "/v1/identify",
      payload: { messageId: "pan-identify", userId: "u-1", traits: { card: cards.mastercardDashes } },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: "no_valid_events",
      details: { rejected: [{ code: "pan_detected", path: "/traits/card" }] },
    });
    expectNoCardIn(response.body);
    expect(published.map((r) => r.topic)).toEqual(["events.invalid"]);
    expectNoCardIn(published[0]?.value ?? "");
  });

  it('are counted as collector_events_rejected_total{reason="pan_detected"}, exported at 0 before the first', async () => {
    const { app } = setupApp();
    const metric = async () =>
      /collector_events_rejected_total\{reason="pan_detected",source_id=""\} (\d+)/.exec(
        (await app.inject("/metrics")).body,
      )?.[1];
    expect(await metric()).toBe("0");
    const { dashes, clean } = cardBatch("metrics");
    await app.inject({ method: "POST", url: "/v1/batch", payload: { batch: [dashes, clean] } });
    expect(await metric()).toBe("1");
  });
});
