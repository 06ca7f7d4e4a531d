let lastMs = 0;
let counter = 0;

/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, a 12-bit counter that rises within one
 * millisecond (method 1 of the RFC: ids made in one tab sort in the order they were made), then the
 * random bits of a v4 UUID, whose variant bits are already right. Time-ordered ids keep Kafka keys
 * and Parquet row groups roughly sorted, and IndexedDB returns a queue keyed by them oldest first.
 */
export function uuidv7(now: number = Date.now()): string {
  // A new millisecond starts the counter at a random point in its lower half, leaving room to count.
  counter = now === lastMs ? counter + 1 : (Math.random() * 2048) | 0;
  lastMs = now;
  const time = now.toString(16).padStart(12, "0");
  return `${time.slice(0, 8)}-${time.slice(8)}-7${(counter & 4095).toString(16).padStart(3, "0")}${uuidv4().slice(18)}`;
}

/** crypto.randomUUID where there is one (secure contexts, Node); Math.random otherwise (React Native, plain http). */
function uuidv4(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return (
    crypto?.randomUUID?.() ??
    "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
      (+c ^ ((Math.random() * 16) >> (+c / 4))).toString(16),
    )
  );
}
