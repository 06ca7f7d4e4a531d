/**
 * Corrects the client's clock: the gap between the client's `sentAt` and our `receivedAt` is the
 * client's clock skew (plus network time, which is small), so event time = timestamp + that gap.
 * Absurd results (more than `maxSkewMs` away from the receive time) fall back to the receive time.
 */
export function correctedEventTime(
  timestamp: string | undefined,
  /** ISO text, or epoch ms already parsed (a batch's sentAt, shared by its events). */
  sentAt: string | number | undefined,
  receivedAtMs: number,
  maxSkewMs: number,
): number {
  const clientMs = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
  if (Number.isNaN(clientMs)) return receivedAtMs;
  const sentMs = typeof sentAt === "string" ? Date.parse(sentAt) : (sentAt ?? Number.NaN);
  const skew = Number.isNaN(sentMs) ? 0 : receivedAtMs - sentMs;
  const corrected = clientMs + skew;
  // An event cannot happen after we received it; a tiny future offset is rounding, a big one is a lie.
  if (corrected > receivedAtMs) return receivedAtMs;
  if (receivedAtMs - corrected > maxSkewMs) return receivedAtMs;
  return corrected;
}
