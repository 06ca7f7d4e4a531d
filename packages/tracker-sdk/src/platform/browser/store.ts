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

/**
 * IndexedDB, falling back to memory; never throws. When IndexedDB refuses a write (full quota) the
 * queue moves to memory for good, with the events it refused; removals still reach IndexedDB so
 * nothing already sent comes back on the next visit.
 *
 * No localStorage tier between them: every browser this build runs in has IndexedDB, private windows
 * included (Firefox since 115, 2023), and where storage is blocked both are. It cost 110 B min+gzip of
 * the 4 KB budget for browsers that are gone (measured with scripts/check-size.mjs, Dec 2026).
 */
export function createBrowserStore(name: string): EventStore {
  const memory = createMemoryStore();
  let db: Backend | undefined;
  /** IndexedDB refused a write (or never opened): the queue lives in memory from then on. */
  let full = false;
  const ready = openIndexedDb(name).then((opened) => {
    db = opened;
  });
  const both = async (operation: "remove" | "clear", argument?: string[]) => {
    await ready;
    await Promise.all([db?.(operation, argument), memory[operation](argument as string[])]);
  };
  return {
    async getAll() {
      await ready;
      return ((!full && (await db?.("getAll"))) || memory.getAll()) as WireEvent[] | Promise<WireEvent[]>;
    },
    async put(events) {
      await ready;
      if (full || !(await db?.("put", events))) {
        full = true;
        await memory.put(events);
      }
    },
    remove: (ids) => both("remove", ids),
    clear: () => both("clear"),
    shared: () => !!db && !full,
  };
}
