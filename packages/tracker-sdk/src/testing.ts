/**
 * Test doubles for code that uses the tracker: a recording transport with scripted answers, a
 * lifecycle you drive by hand, and the in-memory stores. Published as "@shop/tracker/testing".
 */
import type { WireEvent } from "@shop/event-schema";
import type { TrackerOptions } from "./core/config.js";
import { createMemoryKeyValueStore, createMemoryStore } from "./core/memory.js";
import type { BatchPayload, Lifecycle, Transport, TransportResult } from "./core/platform.js";
import { createTracker, type Tracker, type TrackerDependencies } from "./core/tracker.js";

export { createMemoryKeyValueStore, createMemoryStore } from "./core/memory.js";

export interface TestingTransport extends Transport {
  /** Every send attempt, whatever its answer (copies, as the collector would see them). */
  readonly requests: BatchPayload[];
  /** Every batch delivered (answered 2xx), in order. */
  readonly batches: BatchPayload[];
  /** Every batch handed over on page exit. */
  readonly exits: BatchPayload[];
  /** Every event delivered, by send or on exit, in order. */
  events(): WireEvent[];
  /** Answers for the next sends, in order; 200 once they run out. */
  respond(...results: TransportResult[]): void;
  /** Whether sendOnExit accepts (default true); a function decides per payload. */
  acceptExit: boolean | ((payload: BatchPayload) => boolean);
  sendOnExit(url: string, payload: BatchPayload): boolean;
}

export function createTestingTransport(...script: TransportResult[]): TestingTransport {
  const requests: BatchPayload[] = [];
  const batches: BatchPayload[] = [];
  const exits: BatchPayload[] = [];
  const transport: TestingTransport = {
    requests,
    batches,
    exits,
    events: () => [...batches, ...exits].flatMap((payload) => payload.batch),
    respond: (...results) => void script.push(...results),
    acceptExit: true,
    async send(_url, payload) {
      const result = script.shift() ?? { status: 200 };
      requests.push(structuredClone(payload));
      if (result.status >= 200 && result.status < 300) batches.push(structuredClone(payload));
      return result;
    },
    sendOnExit(_url, payload) {
      const accepted =
        typeof transport.acceptExit === "function" ? transport.acceptExit(payload) : transport.acceptExit;
      if (accepted) exits.push(structuredClone(payload));
      return accepted;
    },
  };
  return transport;
}

export interface TestingLifecycle extends Lifecycle {
  hide(): void;
  show(): void;
  goOffline(): void;
  goOnline(): void;
}

/** A lifecycle driven by the test: `hide()` is the page going away, `goOffline()` the network. */
export function createTestingLifecycle(): TestingLifecycle {
  const listeners = {
    hidden: [] as Array<() => void>,
    visible: [] as Array<() => void>,
    online: [] as Array<() => void>,
    offline: [] as Array<() => void>,
  };
  let online = true;
  let visible = true;
  const emit = (list: Array<() => void>) => {
    for (const listener of list) listener();
  };
  return {
    onHidden: (callback) => void listeners.hidden.push(callback),
    onVisible: (callback) => void listeners.visible.push(callback),
    onOnline: (callback) => void listeners.online.push(callback),
    onOffline: (callback) => void listeners.offline.push(callback),
    isOnline: () => online,
    isVisible: () => visible,
    hide() {
      visible = false;
      emit(listeners.hidden);
    },
    show() {
      visible = true;
      emit(listeners.visible);
    },
    goOffline() {
      online = false;
      emit(listeners.offline);
    },
    goOnline() {
      online = true;
      emit(listeners.online);
    },
  };
}

/** A tracker on the testing transport and in-memory stores, with whatever `deps` replace. */
export function createTestingTracker(
  options: Partial<TrackerOptions> = {},
  deps: Partial<TrackerDependencies> = {},
): { tracker: Tracker; transport: TestingTransport } {
  const transport = createTestingTransport();
  const tracker = createTracker(
    { writeKey: "test-key", host: "http://127.0.0.1:9", ...options },
    { transport, store: createMemoryStore(), kv: createMemoryKeyValueStore(), ...deps },
  );
  return { tracker, transport: (deps.transport as TestingTransport | undefined) ?? transport };
}
