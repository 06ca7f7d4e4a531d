import type { Lifecycle, Lock } from "../../core/platform.js";

/**
 * Cross-tab leader election with Web Locks, so that one tab sends the shared queue; the lock dies
 * with its tab. Only visible tabs compete: a hidden tab has no business sending (and its timers are
 * throttled), so it steps down once its own page-exit flush has run, and a visible tab takes over.
 *
 * Browsers without Web Locks (before Safari 15.4, Firefox 96, Chrome 69; under 1% of visits) let
 * every tab lead: two of their tabs open at once may send a queued event twice, which the pipeline
 * can drop by messageId, rather than leave it unsent.
 */
export function createBrowserLock(name: string, lifecycle: Lifecycle): Lock {
  const locks = (navigator as { locks?: LockManager }).locks;
  let leader = !locks;
  let stepDown: (() => void) | undefined;

  const compete = () => {
    if (stepDown || !locks) return;
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
      leader = false;
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
    }),
  );
  return { isLeader: () => leader };
}
