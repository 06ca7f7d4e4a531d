import type { Lifecycle, Lock } from "../../core/platform.js";

/** A localStorage leader whose heartbeat is older than this is gone. */
const STALE_MS = 5000;

/**
 * Cross-tab leader election, so that one tab sends the shared queue. Only visible tabs compete: a
 * hidden tab has no business sending (and its timers are throttled), so it steps down once its own
 * page-exit flush has run, and a visible tab takes over. Web Locks where the browser has them (the
 * lock dies with its tab); otherwise a heartbeat in localStorage.
 */
export function createBrowserLock(name: string, lifecycle: Lifecycle): Lock {
  let leader = false;
  let stepDown: (() => void) | undefined;
  const locks = (navigator as { locks?: LockManager }).locks;
  const me = Math.random();

  /** Heartbeat fallback: the holder rewrites [id, time]; anyone takes over a missing or stale entry. */
  const beat = (leave?: boolean) => {
    try {
      if (leave) return localStorage.removeItem(name);
      const [holder, at] = JSON.parse(localStorage.getItem(name) ?? "[]");
      if (holder === me || !(Date.now() - at < STALE_MS)) localStorage.setItem(name, JSON.stringify([me, Date.now()]));
      leader = JSON.parse(localStorage.getItem(name) as string)[0] === me;
    } catch {
      // No localStorage, so no shared queue either: this tab sends its own.
      leader = true;
    }
  };

  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const compete = () => {
    if (stepDown) return;
    if (locks) {
      const abort = new AbortController();
      let release: (() => void) | undefined;
      locks
        .request(name, { signal: abort.signal }, () => {
          leader = true;
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        })
        .catch(() => {});
      stepDown = () => {
        abort.abort();
        release?.();
      };
    }
    // The heartbeat starts at the first question (so nothing is stored before consent allows sending).
    else
      stepDown = () => {
        clearInterval(heartbeat);
        heartbeat = undefined;
        // Storage gone: the heartbeat goes stale by itself.
        if (leader) beat(true);
      };
  };

  if (lifecycle.isVisible?.() !== false) compete();
  lifecycle.onVisible(compete);
  lifecycle.onHidden(() =>
    // A timeout: the tracker's own hidden handler (the page-exit flush) runs first, as leader.
    setTimeout(() => {
      if (lifecycle.isVisible?.()) return;
      stepDown?.();
      stepDown = undefined;
      leader = false;
    }),
  );
  return {
    isLeader() {
      if (stepDown && !locks) {
        heartbeat ??= setInterval(beat, STALE_MS / 3);
        beat();
      }
      return leader;
    },
  };
}
