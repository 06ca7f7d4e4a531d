import type { WireEvent } from "@shop/event-schema";
import { describe, expect, it } from "vitest";
import type { TrackerError } from "../src/core/errors.js";
import { createTestingTracker } from "../src/testing.js";

describe("plugins", () => {
  it("enrich, change or drop events in order", async () => {
    const { tracker, transport } = createTestingTracker({
      flushAt: 100,
      plugins: [
        {
          name: "enrich",
          beforeSend(event) {
            // The contract's context is open: keys it does not type are kept.
            event.context = event.context ?? {};
            Object.assign(event.context, { app: { build: "42" } });
            return undefined;
          },
        },
        {
          name: "rename",
          beforeSend: (event) => (event.type === "track" ? { ...event, event: `Shop ${event.event}` } : event),
        },
        {
          name: "drop-debug",
          beforeSend: (event) => (event.type === "track" && event.event.includes("Debug") ? null : event),
        },
      ],
    });
    tracker.track("Viewed");
    tracker.track("Debug Ping");
    await tracker.flush();
    const events = transport.events();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event: "Shop Viewed", context: { app: { build: "42" } } });
    expect(tracker.stats().dropped).toBe(0);
  });

  it("a throwing plugin drops the event, is counted and reported, and never reaches the page", async () => {
    const errors: TrackerError[] = [];
    const { tracker, transport } = createTestingTracker({
      onError: (error) => errors.push(error),
      plugins: [
        {
          name: "scrubber",
          beforeSend(event: WireEvent) {
            if (event.type === "track" && event.event === "Bad") throw new Error("scrubber bug");
            return event;
          },
        },
      ],
    });
    expect(() => tracker.track("Bad")).not.toThrow();
    tracker.track("Good");
    await tracker.flush();
    expect(transport.events().map((e) => (e.type === "track" ? e.event : ""))).toEqual(["Good"]);
    expect(tracker.stats().dropped).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "plugin_failed", message: "plugin_failed, events: 1" });
    expect(errors[0]?.cause).toMatchObject({ message: "scrubber bug" });
  });

  it("runs setup once with the tracker; a throwing setup is reported and the tracker still works", async () => {
    const errors: TrackerError[] = [];
    const seen: unknown[] = [];
    const { tracker, transport } = createTestingTracker({
      onError: (error) => errors.push(error),
      plugins: [
        { name: "page-on-load", setup: (t) => void seen.push(t.page("Loaded")) },
        {
          name: "broken",
          setup() {
            throw new Error("setup bug");
          },
        },
      ],
    });
    tracker.track("After");
    await tracker.flush();
    expect(seen).toHaveLength(1);
    expect(transport.events().map((e) => e.type)).toEqual(["page", "track"]);
    expect(errors.map((e) => e.code)).toEqual(["plugin_failed"]);
  });
});
