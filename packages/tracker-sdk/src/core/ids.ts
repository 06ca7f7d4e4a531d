let lastMs = 0;
let counter = 0;

const hex = (value: number, digits: number) => value.toString(16).padStart(digits, "0");

/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, a 12-bit counter that rises within one
 * millisecond (method 1 of the RFC: ids made in one tab sort in the order they were made), the
 * variant, then 62 random bits. Time-ordered ids keep Kafka keys and Parquet row groups roughly
 * sorted, and IndexedDB returns a queue keyed by them oldest first.
 *
 * The random bits come from Math.random: an id must be unique, not unguessable, and the time and
 * counter already separate the ids of one tab; crypto.randomUUID is missing in React Native and on
 * plain http, and costs more per call than the rest of the id.
 */
export function uuidv7(now: number = Date.now()): string {
  // A new millisecond starts the counter at a random point in its lower half, leaving room to count.
  counter = now === lastMs ? counter + 1 : (Math.random() * 2048) | 0;
  lastMs = now;
  const time = hex(now, 12);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${hex(counter & 4095, 3)}-${hex(
    0x8000 + ((Math.random() * 0x4000) | 0),
    4,
  )}-${hex(Math.floor(Math.random() * 2 ** 48), 12)}`;
}
