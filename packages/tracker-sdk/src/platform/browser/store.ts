import type { WireEvent } from "@shop/event-schema";
import { createMemoryStore } from "../../core/memory.js";
import type { EventStore } from "../../core/platform.js";

type Operation = "getAll" | "put" | "remove" | "clear";

/**
 * One storage backend as a single function: the EventStore method name and its argument. It answers
 * `false` when it failed (quota, blocked, closed) instead of throwing; `put` answers true when kept.
 */
type Backend = (operation: Operation, argument?: unknown) => Promise<unknown> | unknown;

/** IndexedDB: one object store keyed by messageId; UUIDv7 keys come back oldest first. */
function openIndexedDb(name: string): Promise<Backend | undefined> {
  return new Promise((resolve: (backend?: Backend) => void) => {
    // Some private modes never answer the open request.
    setTimeout(resolve, 3000);
    try {
      const open = indexedDB.open(name);
      open.onupgradeneeded = () => open.result.createObjectStore("events", { keyPath: "messageId" });
      open.onerror = () => resolve();
      open.onsuccess = () =>
        resolve(
          (operation, argument) =>
            new Promise((done) => {
              try {
                // Reads too are readwrite: reads are rare (write-behind), and one mode is fewer bytes.
                const transaction = open.result.transaction("events", "readwrite");
                const store = transaction.objectStore("events");
                const request =
                  operation === "getAll" || operation === "clear"
                    ? store[operation]()
                    : (argument as string[]).map((item) =>
                        operation === "put" ? store.put(item) : store.delete(item),
                      );
                transaction.oncomplete = () => done((request as IDBRequest).result ?? true);
                transaction.onerror = transaction.onabort = () => done(false);
                // Commit now: a transaction still open when the page unloads is aborted, and a removal
                // made at page exit must stick or the next visit sends the events again.
                transaction.commit?.();
              } catch {
                done(false);
              }
            }),
        );
    } catch {
      resolve(undefined);
    }
  });
}

/** localStorage: the whole queue as one JSON array under one key. */
const localStorageBackend =
  (key: string): Backend =>
  (operation, argument) => {
    try {
      let events: WireEvent[] = JSON.parse(localStorage.getItem(key) ?? "[]");
      if (operation === "getAll") return events;
      // Removals reach every backend: one that holds nothing need not be rewritten.
      if (!events.length && operation !== "put") return true;
      events =
        operation === "put"
          ? [...events, ...(argument as WireEvent[])]
          : events.filter((event) => operation === "remove" && !(argument as string[]).includes(event.messageId));
      if (events.length > 0) localStorage.setItem(key, JSON.stringify(events));
      else localStorage.removeItem(key);
      return true;
    } catch {
      return false;
    }
  };

/**
 * IndexedDB, falling back to localStorage, falling back to memory; never throws. A backend that
 * refuses a write (full quota) hands over to the next one for good, with the events it refused;
 * removals still reach every backend so nothing already sent comes back on the next visit.
 */
export function createBrowserStore(name: string): EventStore {
  const memory = createMemoryStore();
  const local = localStorageBackend(name);
  let chain: Backend[] = [];
  let current = 0;
  const ready = openIndexedDb(name).then((db) => {
    chain = [
      db,
      local("getAll") && local,
      (operation: Operation, argument?: unknown) => memory[operation](argument as never),
    ].filter((backend) => backend) as Backend[];
  });
  const all = async (operation: Operation, argument?: unknown) => {
    await ready;
    await Promise.all(chain.map((backend) => backend(operation, argument)));
  };
  return {
    async getAll() {
      await ready;
      return ((await (chain[current] as Backend)("getAll")) || []) as WireEvent[];
    },
    async put(events) {
      await ready;
      while (!(await (chain[current] as Backend)("put", events))) current++;
    },
    remove: (ids) => all("remove", ids),
    clear: () => all("clear"),
    shared: () => current < chain.length - 1,
  };
}
