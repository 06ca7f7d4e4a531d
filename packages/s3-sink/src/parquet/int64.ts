const TWO_32 = 2 ** 32;

/**
 * Epoch ms (a safe integer in a double) as a little-endian int64 at `at`, in two 32-bit halves: a
 * BigInt per value costs more than the rest of a column loop. Negative values come out as two's
 * complement, as Parquet and Arrow store them.
 */
export function setEpochMs(view: DataView, at: number, epochMs: number): void {
  const ms = Math.trunc(epochMs);
  const high = Math.floor(ms / TWO_32);
  view.setUint32(at, ms - high * TWO_32, true);
  view.setInt32(at + 4, high, true);
}
