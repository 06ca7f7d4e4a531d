import type { PublishAccounting } from "./accounting.js";
import { type EncodedRecord, encodeRecords } from "./encode.js";
import { PublishError, PublisherClosedError, type PublishRecord, PublishTimeoutError } from "./publisher.js";

export interface AdmittedPublish {
  encoded: EncodedRecord[];
  bytes: number;
  ticket: PublishTicket;
}

/**
 * The `publish` every client shares: refuses once closed, encodes the records and admits them under
 * the in-flight bound (rejecting with PublisherOverloadedError when they do not fit), opens the ticket
 * that the client's acknowledgements settle, and hands all that to the client's `send`.
 */
export function publishThrough(
  records: readonly PublishRecord[],
  state: { closed: boolean; accounting: PublishAccounting; timeoutMs: number },
  send: (admitted: AdmittedPublish) => void,
): Promise<void> {
  if (state.closed) return Promise.reject(new PublisherClosedError());
  if (records.length === 0) return Promise.resolve();
  const { encoded, bytes } = encodeRecords(records);
  try {
    state.accounting.admit(encoded.length, bytes);
  } catch (error) {
    return Promise.reject(error);
  }
  const ticket = new PublishTicket(encoded.length, bytes, state.accounting, state.timeoutMs);
  send({ encoded, bytes, ticket });
  return ticket.promise;
}

/**
 * One `publish` call in flight: counts its records down as the client reports them, resolves when
 * the last one is acknowledged, rejects at the first failure or when the timeout passes, and gives
 * its bytes back to the in-flight bound only when the client has reported every record (a timed-out
 * record may still be in the producer's buffers, and still takes memory).
 */
export class PublishTicket {
  readonly promise: Promise<void>;
  private outstanding: number;
  private answered = false;
  private resolvePromise!: () => void;
  private rejectPromise!: (error: unknown) => void;
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = performance.now();

  constructor(
    records: number,
    private readonly bytes: number,
    private readonly accounting: PublishAccounting,
    timeoutMs: number,
  ) {
    this.outstanding = records;
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolvePromise = resolve;
      this.rejectPromise = reject;
    });
    this.timer = setTimeout(() => this.answer(new PublishTimeoutError(timeoutMs)), timeoutMs);
  }

  /** `count` records were acknowledged by Kafka (acks=all). */
  acknowledged(count: number): void {
    this.accounting.settled(count, true);
    this.countDown(count);
  }

  /** `count` records will not be acknowledged: the producer gave up on them. */
  failed(count: number, cause: unknown): void {
    this.accounting.settled(count, false);
    this.answer(cause instanceof PublishError ? cause : new PublishError("Kafka did not acknowledge", { cause }));
    this.countDown(count);
  }

  private countDown(count: number): void {
    this.outstanding -= count;
    if (this.outstanding > 0) return;
    this.accounting.release(this.bytes);
    this.answer(undefined);
  }

  private answer(error: unknown): void {
    if (this.answered) return;
    this.answered = true;
    clearTimeout(this.timer);
    if (error === undefined) {
      this.accounting.publishSucceeded((performance.now() - this.startedAt) / 1000);
      this.resolvePromise();
    } else {
      this.accounting.publishFailed(error);
      this.rejectPromise(error);
    }
  }
}
