import { SinkConfigError } from "./errors.js";

/** A command-line number that must be a positive integer; `fallback` when the option is absent. */
export function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new SinkConfigError(`${name} must be a positive integer; got "${value}"`);
  return n;
}
