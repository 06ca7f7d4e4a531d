import type { KeyValueStore } from "../../core/platform.js";
import type { Plugin } from "../../core/plugins.js";
import type { Tracker } from "../../core/tracker.js";

/** The query parameter a cross-domain link carries the anonymous id in: analytics.js's querystring API name. */
export const LINK_PARAMETER = "ajs_aid";

export interface IdentityOptions {
  /**
   * Keeps the anonymous id in a first-party cookie on this domain too, e.g. ".shop.example", so
   * www.shop.example and checkout.shop.example (separate localStorage) are one visitor. The cookie is
   * read before localStorage. @default no cookie
   */
  cookieDomain?: string;
  /** Lifetime of the cookie, renewed at every write. @default 365 (Safari caps script-set cookies at 7) */
  cookieMaxAgeDays?: number;
  /** Reads the anonymous id a `decorate`d link brought (`?ajs_aid=`), once, and removes it from the URL. @default true */
  links?: boolean;
}

/**
 * Identity across hosts, as a plugin (so trackers without it carry none of it): the anonymous id in a
 * cookie shared by subdomains, and cross-domain links. It wraps the key/value store under the core's
 * ids record ("<prefix>.ids", JSON with the anonymous id in `a`): the core stays free of cookies and
 * URLs, and the cookie is written, renewed and erased exactly when the core writes or erases the ids,
 * i.e. only with consent. Which anonymous id wins: a link's, then the cookie's, then localStorage's.
 */
export function identity(options: IdentityOptions = {}): Plugin {
  return {
    name: "identity",
    platform(deps) {
      // Server rendering: no cookie, no URL; the tracker there captures nothing anyway.
      if (typeof document === "undefined") return deps;
      const linked = options.links === false ? undefined : takeLinkedId();
      return { ...deps, kv: wrap(deps.kv ?? new Map(), options, linked) };
    },
  };
}

/** Reads the id a decorated link carried and takes it out of the address bar and the history entry. */
function takeLinkedId(): string | undefined {
  const url = new URL(location.href);
  const id = url.searchParams.get(LINK_PARAMETER) ?? undefined;
  if (id === undefined) return undefined;
  url.searchParams.delete(LINK_PARAMETER);
  try {
    // Shared, bookmarked or reloaded, the URL must not hand this visitor's id on again.
    history.replaceState(history.state, "", url.href);
  } catch {
    // A sandboxed frame may refuse; the id is still used.
  }
  return id || undefined;
}

function wrap(kv: KeyValueStore, options: IdentityOptions, linked: string | undefined): KeyValueStore {
  const { cookieDomain } = options;
  const isIds = (key: string) => key.endsWith(".ids");
  /** "shop_tracker.ids" → cookie "shop_tracker.aid". */
  const cookieName = (key: string) => key.replace(/ids$/, "aid");
  const readCookie = (key: string) => {
    if (!cookieDomain) return undefined;
    for (const pair of document.cookie.split("; ")) {
      const [name, value] = pair.split("=");
      if (name === cookieName(key) && value) return decodeURIComponent(value);
    }
    return undefined;
  };
  const writeCookie = (key: string, value: string, maxAgeSeconds: number) => {
    if (!cookieDomain) return;
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is asynchronous (the core reads the ids synchronously at start) and missing in Safari and Firefox before 2025.
    document.cookie = `${cookieName(key)}=${encodeURIComponent(value)}; Domain=${cookieDomain}; Path=/; Max-Age=${maxAgeSeconds}; SameSite=Lax${
      location.protocol === "https:" ? "; Secure" : ""
    }`;
  };
  return {
    ...(kv.ready ? { ready: kv.ready } : {}),
    get(key) {
      const stored = kv.get(key);
      const id = isIds(key) ? (linked ?? readCookie(key)) : undefined;
      if (!id) return stored;
      // Once the core has written the linked id, the link has done its job.
      linked = undefined;
      let ids: Record<string, unknown> = {};
      try {
        ids = JSON.parse(stored as string) || {};
      } catch {
        // Nothing stored (or unreadable): the id alone.
      }
      return JSON.stringify({ ...ids, a: id });
    },
    set(key, value) {
      kv.set(key, value);
      if (isIds(key))
        writeCookie(key, (JSON.parse(value) as { a: string }).a, (options.cookieMaxAgeDays ?? 365) * 86_400);
    },
    delete(key) {
      kv.delete(key);
      if (isIds(key)) writeCookie(key, "", 0);
    },
  };
}

/**
 * A link to another site (running this SDK with the identity() plugin) that keeps the visitor's
 * anonymous id: adds `ajs_aid=<anonymousId>` to `url`. Only the anonymous id travels, never the user
 * id or traits (URLs end up in logs and referrers).
 */
export function decorate(tracker: Pick<Tracker, "anonymousId">, url: string | URL): string {
  const decorated = new URL(url, typeof location === "undefined" ? undefined : location.href);
  const id = tracker.anonymousId();
  if (id) decorated.searchParams.set(LINK_PARAMETER, id);
  return decorated.href;
}
