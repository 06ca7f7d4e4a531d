import { PublishAccounting } from "./accounting.js";
import { BatchCoalescer } from "./coalescer.js";
import type { EncodedRecord } from "./encode.js";
import type { ResolvedPublisherOptions } from "./options.js";
import { publishThrough } from "./publish-ticket.js";
import { type EventPublisher, PublishError, type PublishRecord, PublishTimeoutError } from "./publisher.js";

/** Longest wait for the last acknowledgements in `close`; the collector's own stop deadline bounds it. */
const CLOSE_DRAIN_MS = 30_000;

/** What a client that sends whole batches (kafkajs, @platformatic/kafka) brings to {@link coalescingPublisher}. */
export interface BatchClient {
  /** Sends one batch; resolves once Kafka acknowledged every record of it (acks=all). Never called concurrently. */
  send(records: EncodedRecord[]): Promise<void>;
  /** Resolves when the cluster answers a metadata request; rejects otherwise. */
  checkReady(): Promise<void>;
  disconnect(): Promise<void>;
  /** The readable reason of a failed send, for our own message (which is what gets logged). @default its message */
  describeError?(error: unknown): string;
}

const ownMessage = (error: unknown) => (error instanceof Error ? error.message : "");

/**
 * The {@link EventPublisher} around a batch-sending client: the records of concurrent publishes are
 * merged by a {@link BatchCoalescer}, one batch in flight at a time, each publish settled with the
 * fate of the batch that carried it; `isReady` bounded by the publish timeout; `close` drains.
 */
export function coalescingPublisher(
  clientName: string,
  options: ResolvedPublisherOptions,
  connect: (accounting: PublishAccounting) => BatchClient,
  coalescing: { lingerEveryBatch: boolean },
): EventPublisher {
  const accounting = new PublishAccounting(clientName, options.maxInFlightBytes);
  const client = connect(accounting);
  const describe = client.describeError?.bind(client) ?? ownMessage;
  let closed = false;
  const coalescer = new BatchCoalescer<EncodedRecord>({
    lingerMs: options.lingerMs,
    maxBatchBytes: options.maxBatchBytes,
    lingerEveryBatch: coalescing.lingerEveryBatch,
    send: (records) => client.send(records),
  });

  const withTimeout = async <T>(work: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PublishTimeoutError(options.timeoutMs)), options.timeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    publish: (records: PublishRecord[]) =>
      publishThrough(records, { closed, accounting, timeoutMs: options.timeoutMs }, ({ encoded, bytes, ticket }) =>
        coalescer.add(encoded, bytes, (error) => {
          if (error === undefined) ticket.acknowledged(encoded.length);
          else {
            // The cause's message is the useful part ("SASL SCRAM SHA512 authentication failed: …",
            // "Connection error: unable to verify the first certificate"): it goes into ours.
            const reason = describe(error);
            ticket.failed(
              encoded.length,
              new PublishError(`Kafka did not acknowledge the records${reason ? `: ${reason}` : ""}`, { cause: error }),
            );
          }
        }),
      ),
    async isReady() {
      try {
        await withTimeout(client.checkReady());
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      closed = true;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        coalescer.drain(),
        new Promise((resolve) => {
          timer = setTimeout(resolve, Math.max(CLOSE_DRAIN_MS, options.timeoutMs));
        }),
      ]);
      clearTimeout(timer);
      await client.disconnect();
    },
    stats: () => accounting.stats(),
  };
}
