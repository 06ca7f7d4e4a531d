import type { SessionContext } from "@shop/event-schema";
import { uuidv7 } from "./ids.js";
import type { KeyValueStore } from "./platform.js";

export interface Ids {
  /** anonymousId */
  a: string;
  /** userId, after identify */
  u?: string | undefined;
  /** the user's traits, merged by identify */
  t?: Record<string, unknown> | undefined;
}

interface Session {
  id: string;
  seq: number;
  /** last activity, epoch ms */
  at: number;
}

export interface Identity {
  ids(): Ids;
  /** Changes some of the ids (and traits), stored while consent is granted. */
  set(ids: Partial<Ids>): void;
  /** The current session's id; undefined when there is none or it timed out by `at`. */
  sessionId(at: number): string | undefined;
  /** The session context of an event made at `at`: a new session after the inactivity timeout. */
  touch(at: number): SessionContext;
  /** New anonymous id and session, no user (logout). */
  reset(at: number): void;
  /** Writes to the key/value store only while on (consent granted); reset() erases what is stored. */
  persist(on: boolean): void;
}

/**
 * Ids and the session. The session lives in the key/value store and is read back at every event, so
 * two tabs share one session and one gap-free sequence.
 */
export function createIdentity(
  kv: KeyValueStore,
  prefix: string,
  timeoutMs: number,
  now: number,
  anonymousId?: string,
): Identity {
  const idKey = `${prefix}.ids`;
  const sessionKey = `${prefix}.session`;
  const read = <T>(key: string): T | undefined => {
    try {
      // A blocked storage may answer anything but a string: only an object is a stored value.
      return JSON.parse(kv.get(key) as string) || undefined;
    } catch {
      return undefined;
    }
  };
  let on = false;
  /** The session changed here and is not written yet: this tab's copy is the newest. */
  let unsaved = false;
  let ids: Ids = read<Ids>(idKey) ?? { a: uuidv7(now) };
  // A bootstrapped id (the server's, a cross-domain link's) wins over the stored one: it is newer news.
  if (anonymousId) ids.a = anonymousId;
  let session = read<Session>(sessionKey);
  const current = () => (on && !unsaved && read<Session>(sessionKey)) || session;
  const saveSession = () => {
    unsaved = false;
    if (on && session) kv.set(sessionKey, JSON.stringify(session));
  };
  const write = () => {
    if (on) kv.set(idKey, JSON.stringify(ids));
    saveSession();
  };
  return {
    ids: () => ids,
    set(patch) {
      ids = { ...ids, ...patch };
      write();
    },
    sessionId(at) {
      const last = current();
      return last && at - last.at <= timeoutMs ? last.id : undefined;
    },
    touch(at) {
      // Another tab may have moved the session on since this tab last looked.
      const last = current();
      const start = !last || at - last.at > timeoutMs;
      session = start ? { id: uuidv7(at), seq: 0, at } : { ...last, seq: last.seq + 1, at };
      // One storage write per burst of events rather than one per event: writes are the costly part.
      if (!unsaved) queueMicrotask(saveSession);
      unsaved = true;
      return { id: session.id, seq: session.seq, start: start || undefined };
    },
    reset(at) {
      ids = { a: uuidv7(at) };
      session = undefined;
      // Erased even while nothing may be stored: a cookie another subdomain wrote still names the old visitor.
      kv.delete(idKey);
      kv.delete(sessionKey);
      write();
    },
    persist(value) {
      on = value;
      write();
    },
  };
}
