const SAFE = (n: number) => Number.isSafeInteger(n);
const INTEGER_TEXT = /^-?\d+$/;

interface ReviverContext {
  readonly source?: string;
}

/**
 * JSON.parse that keeps integers beyond 2^53 exact: Trino writes BIGINT as a bare JSON number, which a plain
 * parse would round. The reviver sees the number's source text (Node 22+) and turns an unsafe integer into a
 * bigint; fractions and exponents (doubles) stay numbers.
 */
export function parseTrinoJson(text: string): unknown {
  return JSON.parse(text, function revive(this: unknown, _key: string, value: unknown, context?: ReviverContext) {
    if (typeof value === "number" && !SAFE(value) && context?.source && INTEGER_TEXT.test(context.source)) {
      return BigInt(context.source);
    }
    return value;
  } as (this: unknown, key: string, value: unknown) => unknown);
}
