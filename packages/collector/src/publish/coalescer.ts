export interface CoalescerOptions<T> {
  /** How long the first item of an idle pipeline waits for company before the batch goes out. */
  lingerMs: number;
  /** A batch is sent at once when it holds this many bytes, and never takes more (unless one entry is larger). */
  maxBatchBytes: number;
  /**
   * Whether every batch waits until its first record has lingered `lingerMs`, as librdkafka's
   * `linger.ms` does, also when it queued behind a batch in flight. Off: it leaves the moment that
   * batch returns, so batches stay small when the round trip is short (measured in bench/README.md).
   * @default false
   */
  lingerEveryBatch?: boolean;
  /** Sends one batch; resolves when Kafka acknowledged all of it. Never called concurrently. */
  send(items: T[]): Promise<void>;
}

interface Entry<T> {
  items: T[];
  bytes: number;
  settle(error: unknown): void;
  /** performance.now() when it was queued. */
  queuedAt: number;
}

/**
 * Merges the records of concurrent requests into few, large producer batches, one batch in flight at
 * a time. While a batch is in flight everything that arrives queues up and goes out as the next batch
 * the moment it returns, so the batch size follows the load by itself; only an idle pipeline waits
 * `lingerMs` for more (or, with `lingerEveryBatch`, every batch waits for its first record's linger).
 * One in flight at a time keeps an idempotent producer's sequence numbers in order across retries.
 * Each entry is settled with the result of the batch that carried it.
 */
export class BatchCoalescer<T> {
  private queue: Entry<T>[] = [];
  private queuedBytes = 0;
  private sending = false;
  private timer: NodeJS.Timeout | undefined;
  private drained: Array<() => void> = [];

  constructor(private readonly options: CoalescerOptions<T>) {}

  /** Queues `items`; `settle` gets `undefined` once they are acknowledged, or the error. */
  add(items: T[], bytes: number, settle: (error: unknown) => void): void {
    this.queue.push({ items, bytes, settle, queuedAt: performance.now() });
    this.queuedBytes += bytes;
    if (this.sending) return;
    if (this.queuedBytes >= this.options.maxBatchBytes || this.options.lingerMs <= 0) this.sendNext();
    else this.timer ??= setTimeout(() => this.sendNext(), this.options.lingerMs);
  }

  /** Sends what is queued without waiting for the linger; resolves when nothing is queued or in flight. */
  drain(): Promise<void> {
    if (!this.sending && this.queue.length === 0) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.drained.push(resolve));
    if (!this.sending) this.sendNext();
    return done;
  }

  private sendNext(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.sending) return;
    if (this.queue.length === 0) {
      for (const resolve of this.drained.splice(0)) resolve();
      return;
    }
    const lingerLeft = this.lingerLeft();
    if (lingerLeft > 0) {
      this.timer = setTimeout(() => this.sendNext(), lingerLeft);
      return;
    }
    const batch = this.take();
    this.sending = true;
    const items = batch.length === 1 ? (batch[0] as Entry<T>).items : batch.flatMap((entry) => entry.items);
    const finish = (error: unknown) => {
      this.sending = false;
      for (const entry of batch) entry.settle(error);
      this.sendNext();
    };
    let sent: Promise<void>;
    try {
      sent = this.options.send(items);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      () => finish(undefined),
      (error: unknown) => finish(error ?? new Error("send failed")),
    );
  }

  /** How much longer the queue's head must wait before its batch leaves; 0: now. */
  private lingerLeft(): number {
    const { lingerEveryBatch, lingerMs, maxBatchBytes } = this.options;
    if (!lingerEveryBatch || this.drained.length > 0 || this.queuedBytes >= maxBatchBytes) return 0;
    const waited = performance.now() - (this.queue[0] as Entry<T>).queuedAt;
    return Math.max(0, Math.floor(lingerMs - waited));
  }

  /** Whole entries from the head of the queue up to `maxBatchBytes` (at least one). */
  private take(): Entry<T>[] {
    let bytes = 0;
    let count = 0;
    for (const entry of this.queue) {
      if (count > 0 && bytes + entry.bytes > this.options.maxBatchBytes) break;
      bytes += entry.bytes;
      count += 1;
    }
    this.queuedBytes -= bytes;
    return this.queue.splice(0, count);
  }
}
