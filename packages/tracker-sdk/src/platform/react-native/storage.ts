import type { WireEvent } from "@shop/event-schema";
import type { EventStore, KeyValueStore } from "../../core/platform.js";

/** The part of @react-native-async-storage/async-storage the SDK uses; the app passes its instance. */
export interface AsyncStorageLike {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
}

/**
 * Writes one key at a time, coalescing: while a write is on its way, later changes wait and go out
 * together in one more write. A rejected write (full storage) leaves the value in memory.
 */
function writer(storage: AsyncStorageLike, key: string, value: () => string | undefined) {
  let writing: Promise<void> | undefined;
  let again = false;
  const write = (): Promise<void> => {
    if (writing) {
      again = true;
      return writing;
    }
    const next = value();
    writing = (next === undefined ? storage.removeItem(key) : storage.setItem(key, next))
      .catch(() => {})
      .then(() => {
        writing = undefined;
        if (again) {
          again = false;
          return write();
        }
      });
    return writing;
  };
  return write;
}

/** The queue in AsyncStorage under one key, kept in memory and written back after each change. */
export function createAsyncStorageStore(storage: AsyncStorageLike, key: string): EventStore {
  const events = new Map<string, WireEvent>();
  const loaded = (async () => {
    try {
      for (const event of JSON.parse((await storage.getItem(key)) ?? "[]") as WireEvent[])
        events.set(event.messageId, event);
    } catch {
      // Unreadable leftovers are not worth crashing the app.
    }
  })();
  const save = writer(storage, key, () => JSON.stringify([...events.values()]));
  return {
    async getAll() {
      await loaded;
      return [...events.values()];
    },
    async put(batch) {
      await loaded;
      for (const event of batch) events.set(event.messageId, event);
      await save();
    },
    async remove(ids) {
      await loaded;
      for (const id of ids) events.delete(id);
      await save();
    },
    async clear() {
      await loaded;
      events.clear();
      await save();
    },
  };
}

/**
 * Ids, session and consent in AsyncStorage: read once into memory (`ready`), then served
 * synchronously and written through.
 */
export function createAsyncStorageKeyValueStore(storage: AsyncStorageLike, keys: string[]): KeyValueStore {
  const values = new Map<string, string>();
  const writers = new Map(keys.map((key) => [key, writer(storage, key, () => values.get(key))]));
  const persist = (key: string) => void (writers.get(key) ?? writer(storage, key, () => values.get(key)))();
  return {
    ready: Promise.all(
      keys.map(async (key) => {
        try {
          const value = await storage.getItem(key);
          if (value !== null) values.set(key, value);
        } catch {
          // Starts fresh, like a first launch.
        }
      }),
    ).then(() => {}),
    get: (key) => values.get(key) ?? null,
    set(key, value) {
      values.set(key, value);
      persist(key);
    },
    delete(key) {
      values.delete(key);
      persist(key);
    },
  };
}
