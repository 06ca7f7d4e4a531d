/**
 * Which browser origins may send events: a default allow-list (COLLECTOR_CORS_ORIGINS) and, per
 * source, its own list (COLLECTOR_SOURCE_ORIGINS) that replaces the default for that source's keys.
 * `*` in a list allows any origin.
 */
export interface OriginPolicy {
  /** True when every list allows every origin: then no per-source check can fail. */
  readonly allowsAny: boolean;
  /** Could this origin send with some write key? Decides preflights and CORS headers, before the key is known. */
  mayEverSend(origin: string): boolean;
  /** May this origin send with the write keys of `sourceId` (undefined: authentication is off)? */
  allows(origin: string, sourceId: string | undefined): boolean;
}

export function createOriginPolicy(
  defaultOrigins: readonly string[],
  bySource: ReadonlyMap<string, readonly string[]>,
): OriginPolicy {
  const toMatcher = (list: readonly string[]) => {
    if (list.includes("*")) return () => true;
    const allowed = new Set(list);
    return (origin: string) => allowed.has(origin);
  };
  const defaultMatcher = toMatcher(defaultOrigins);
  const sourceMatchers = new Map([...bySource].map(([source, list]) => [source, toMatcher(list)]));
  const everyList = [defaultOrigins, ...bySource.values()];
  const allowsAny = everyList.every((list) => list.includes("*"));
  const everMatchers = [defaultMatcher, ...sourceMatchers.values()];

  return {
    allowsAny,
    mayEverSend: (origin) => allowsAny || everMatchers.some((matches) => matches(origin)),
    allows: (origin, sourceId) =>
      allowsAny || (sourceId === undefined ? defaultMatcher : (sourceMatchers.get(sourceId) ?? defaultMatcher))(origin),
  };
}
