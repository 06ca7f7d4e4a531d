import { describe, expect, it } from "vitest";
import { PublishAccounting } from "../src/publish/accounting.js";
import { PublishTicket } from "../src/publish/publish-ticket.js";
import { PublishError, PublisherOverloadedError, PublishTimeoutError } from "../src/publish/publisher.js";

describe("PublishAccounting", () => {
  it("refuses what would cross the in-flight bound, but never the first publish", () => {
    const accounting = new PublishAccounting("test", 100);
    accounting.admit(1, 150); // alone, larger than the bound: let through
    expect(() => accounting.admit(1, 1)).toThrow(PublisherOverloadedError);
    accounting.settled(1, true);
    accounting.release(150);
    accounting.admit(2, 60);
    accounting.admit(1, 40);
    expect(() => accounting.admit(1, 1)).toThrow(PublisherOverloadedError);
    expect(accounting.stats()).toMatchObject({
      inFlightBytes: 100,
      inFlightRecords: 3,
      acknowledgedRecords: 1,
      overloadedPublishes: 2,
      failedPublishes: 2,
    });
  });

  it("keeps a cumulative latency histogram", () => {
    const accounting = new PublishAccounting("test", 100);
    accounting.publishSucceeded(0.004);
    accounting.publishSucceeded(0.3);
    const { publishLatency } = accounting.stats();
    const at = (bound: number) => publishLatency.counts[publishLatency.bucketsSeconds.indexOf(bound)];
    expect([at(0.001), at(0.005), at(0.25), at(0.5), at(10)]).toEqual([0, 1, 1, 2, 2]);
    expect(publishLatency.count).toBe(2);
    expect(publishLatency.sumSeconds).toBeCloseTo(0.304);
  });
});

describe("PublishTicket", () => {
  it("resolves when the last record is acknowledged and frees its bytes", async () => {
    const accounting = new PublishAccounting("test", 1000);
    accounting.admit(3, 300);
    const ticket = new PublishTicket(3, 300, accounting, 1000);
    ticket.acknowledged(2);
    expect(accounting.stats().inFlightBytes).toBe(300);
    ticket.acknowledged(1);
    await ticket.promise;
    expect(accounting.stats()).toMatchObject({ inFlightBytes: 0, inFlightRecords: 0, acknowledgedRecords: 3 });
  });

  it("rejects at the first failed record but holds its bytes until the producer reported every record", async () => {
    const accounting = new PublishAccounting("test", 1000);
    accounting.admit(2, 200);
    const ticket = new PublishTicket(2, 200, accounting, 1000);
    ticket.failed(1, new Error("not leader"));
    await expect(ticket.promise).rejects.toBeInstanceOf(PublishError);
    expect(accounting.stats().inFlightBytes).toBe(200);
    ticket.acknowledged(1);
    expect(accounting.stats()).toMatchObject({ inFlightBytes: 0, failedRecords: 1, acknowledgedRecords: 1 });
  });

  it("rejects with a timeout error when Kafka does not answer in time", async () => {
    const accounting = new PublishAccounting("test", 1000);
    accounting.admit(1, 10);
    const ticket = new PublishTicket(1, 10, accounting, 20);
    await expect(ticket.promise).rejects.toBeInstanceOf(PublishTimeoutError);
    expect(accounting.stats()).toMatchObject({ timedOutPublishes: 1, inFlightBytes: 10 });
    ticket.acknowledged(1); // the late acknowledgement still frees the bytes
    expect(accounting.stats().inFlightBytes).toBe(0);
  });
});
