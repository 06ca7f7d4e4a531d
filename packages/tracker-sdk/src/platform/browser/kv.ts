import type { KeyValueStore } from "../../core/platform.js";

/**
 * localStorage, so tabs share ids and the session; a value it refuses (quota, blocked storage) is
 * kept in memory instead, and memory wins until localStorage takes a newer value.
 */
export function createBrowserKeyValueStore(): KeyValueStore {
  const memory = new Map<string, string>();
  const storage = (action: (storage: Storage) => unknown) => {
    try {
      return action(localStorage);
    } catch {
      return false;
    }
  };
  return {
    get: (key) => memory.get(key) ?? (storage((s) => s.getItem(key)) as string | null),
    set(key, value) {
      if (!storage((s) => s.setItem(key, value) ?? true)) memory.set(key, value);
      else memory.delete(key);
    },
    delete(key) {
      memory.delete(key);
      storage((s) => s.removeItem(key));
    },
  };
}
