/**
 * A set of ids that remembers at most `capacity` of them, forgetting the oldest first. Duplicate
 * alerts come from a job replaying after a crash or a consumer re-reading after one: both are close in
 * time to the original, so the most recent ids are the ones worth keeping.
 */
export class IdWindow {
  readonly #ids = new Set<string>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("capacity must be a positive integer");
  }

  get size(): number {
    return this.#ids.size;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** Adds an id (as the newest); returns false when it was already there. */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.capacity) {
      const oldest = this.#ids.values().next().value;
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
    return true;
  }

  /** Oldest first. */
  values(): string[] {
    return [...this.#ids];
  }
}
