import type { Logger } from "../logger.js";
import type { AlertParser, MalformedAlert } from "./alert.js";
import type { DeliveryResult } from "./delivery.js";
import { decideHold, type HoldPolicy, type HoldRequest, type SkipReason } from "./hold.js";

/** One `alerts.fraud` record, as the consumer hands it over. */
export interface AlertRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly value: Uint8Array | null;
}

/**
 * What became of a record. Every kind but `interrupted` is final: the consumer commits the offset.
 * `interrupted` (a stop while the webhook was failing) is not: the record is read again after a restart.
 */
export type RecordOutcome =
  | { readonly kind: "held"; readonly alertId: string; readonly status: number; readonly attempts: number }
  | { readonly kind: "duplicate"; readonly alertId: string }
  | { readonly kind: "dead_lettered"; readonly alertId: string; readonly status: number }
  | { readonly kind: "malformed"; readonly reason: MalformedAlert }
  | { readonly kind: "skipped"; readonly alertId: string; readonly reason: SkipReason }
  | { readonly kind: "interrupted"; readonly alertId: string; readonly attempts: number };

/** A hold the shop refused for good, kept for a person to look at (and replay, once fixed). */
export interface DeadLetter {
  readonly at: string;
  readonly alertId: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly status: number;
  readonly error: string;
  readonly request: HoldRequest;
}

/** Alert ids whose hold the shop accepted (2xx). `add` returns once the id is durable. */
export interface HandledAlerts {
  has(alertId: string): boolean;
  add(alertId: string): Promise<void>;
}

export interface HoldSender {
  /** Never throws: network errors and timeouts are `retry` results. */
  send(request: HoldRequest): Promise<DeliveryResult>;
}

export interface DeadLetterSink {
  write(entry: DeadLetter): Promise<void>;
}

export interface RecordHandlerPorts {
  readonly parse: AlertParser;
  readonly policy: HoldPolicy;
  readonly handled: HandledAlerts;
  readonly webhook: HoldSender;
  readonly deadLetters: DeadLetterSink;
  /** The delay before retry number `attempt`, given the server's Retry-After if it sent one. */
  readonly retryDelay: (attempt: number, retryAfterMs: number | undefined) => number;
  readonly logger: Logger;
  readonly now: () => Date;
}

/** How the consumer lets a record's retries wait, and tells them to give up. */
export interface RecordControl {
  /** True once the consumer is stopping: no new attempt starts. */
  shouldStop(): boolean;
  /** Waits `ms` (keeping the group membership alive); false if cut short by a stop. */
  wait(ms: number): Promise<boolean>;
}

export type RecordHandler = (record: AlertRecord, control: RecordControl) => Promise<RecordOutcome>;

/**
 * The per-record policy, free of I/O (everything it touches is a port): parse → decide → skip a
 * handled alert id → call the webhook until it answers for good. A failing webhook is retried with
 * backoff for as long as it takes, never skipped; the caller holds the partition meanwhile. The alert
 * id is recorded only after a 2xx, so a crash before that re-sends (the shop dedups by the
 * Idempotency-Key) and a crash after it does not.
 */
export function createRecordHandler(ports: RecordHandlerPorts): RecordHandler {
  const { logger } = ports;
  const where = (record: AlertRecord) => ({
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
  });

  return async (record, control) => {
    const parsed = ports.parse(record.value);
    if (!parsed.ok) {
      logger.warn("skipping a malformed alert record", { ...where(record), reason: parsed.reason });
      return { kind: "malformed", reason: parsed.reason };
    }
    const { alert } = parsed;
    const decision = decideHold(alert, ports.policy);
    if (decision.kind === "skip") {
      logger.info("not holding", {
        ...where(record),
        alertId: alert.alertId,
        reason: decision.reason,
        detail: decision.message,
      });
      return { kind: "skipped", alertId: alert.alertId, reason: decision.reason };
    }
    const { request } = decision;
    if (ports.handled.has(request.alertId)) {
      logger.info("hold already placed for this alert id; not sending again", {
        ...where(record),
        alertId: request.alertId,
      });
      return { kind: "duplicate", alertId: request.alertId };
    }

    for (let attempt = 1; ; attempt += 1) {
      const result = await ports.webhook.send(request);
      if (result.kind === "delivered") {
        await ports.handled.add(request.alertId);
        logger.info("hold placed", {
          ...where(record),
          alertId: request.alertId,
          orderId: request.orderId,
          checkoutId: request.checkoutId,
          status: result.status,
          attempts: attempt,
        });
        return { kind: "held", alertId: request.alertId, status: result.status, attempts: attempt };
      }
      if (result.kind === "permanent") {
        await ports.deadLetters.write({
          at: ports.now().toISOString(),
          alertId: request.alertId,
          ...where(record),
          status: result.status,
          error: result.error,
          request,
        });
        logger.error("the webhook refused the hold; written to the dead-letter file", {
          ...where(record),
          alertId: request.alertId,
          error: result.error,
        });
        return { kind: "dead_lettered", alertId: request.alertId, status: result.status };
      }
      if (control.shouldStop()) return { kind: "interrupted", alertId: request.alertId, attempts: attempt };
      const delayMs = ports.retryDelay(attempt, result.retryAfterMs);
      logger.warn("webhook call failed; retrying (the partition waits)", {
        ...where(record),
        alertId: request.alertId,
        attempt,
        error: result.error,
        retryInMs: delayMs,
      });
      if (!(await control.wait(delayMs))) return { kind: "interrupted", alertId: request.alertId, attempts: attempt };
    }
  };
}
