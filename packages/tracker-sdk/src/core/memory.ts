import type { WireEvent } from "@shop/event-schema";
import type { EventStore, KeyValueStore } from "./platform.js";

/** An EventStore in memory: the Node default, the last fallback of the others, and a test double. */
export function createMemoryStore(): EventStore {
  // A Map keeps insertion order and removes by id in O(1), which matters with 100k events queued.
  const events = new Map<string, WireEvent>();
  return {
    getAll: async () => [...events.values()],
    async put(batch) {
      for (const event of batch) events.set(event.messageId, event);
      // Resolves true ("kept"), so the browser store can use it as the last of its backends.
      return true;
    },
    async remove(ids) {
      for (const id of ids) events.delete(id);
    },
    async clear() {
      events.clear();
    },
  };
}

/** A KeyValueStore in memory (a Map). */
export function createMemoryKeyValueStore(initial: Record<string, string> = {}): KeyValueStore {
  return new Map(Object.entries(initial));
}
