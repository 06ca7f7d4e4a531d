import type {
  DeliveryReport,
  LibrdKafkaError,
  Producer,
  ProducerGlobalConfig,
  ProducerTopicConfig,
} from "@confluentinc/kafka-javascript";
import rdkafka from "@confluentinc/kafka-javascript";
import { PublishAccounting } from "./accounting.js";
import type { EncodedRecord } from "./encode.js";
import { librdkafkaSecurityConfig } from "./kafka-security.js";
import { type PublisherOptions, type ResolvedPublisherOptions, resolvePublisherOptions } from "./options.js";
import { type PublishTicket, publishThrough } from "./publish-ticket.js";
import { type EventPublisher, PublishError, type PublishRecord } from "./publisher.js";

/** Longest wait for a connection or a metadata answer; a publish's own timeout may be shorter. */
const METADATA_TIMEOUT_MS = 3000;

/** librdkafka's syslog level for errors: the lines that say why a broker connection failed. */
const LOG_LEVEL_ERROR = 3;

/**
 * librdkafka's settings for the collector: the same guarantees as the kafkajs publisher. Topic-level
 * properties (acks) in the global configuration become every topic's defaults.
 */
function librdkafkaConfig(options: ResolvedPublisherOptions): ProducerGlobalConfig & ProducerTopicConfig {
  return {
    "bootstrap.servers": options.brokers.join(","),
    "client.id": options.clientId,
    // Idempotence implies acks=all, retries without end within message.timeout.ms and at most 5
    // requests in flight per broker with sequence numbers, so retries neither duplicate nor reorder.
    "enable.idempotence": true,
    "request.required.acks": -1,
    // librdkafka refuses a linger that is not below the message timeout.
    "linger.ms": Math.min(options.lingerMs, options.timeoutMs - 1),
    "compression.codec": options.compression,
    // Java's partitioner (murmur2), as kafkajs and Kafka's own clients use: one shopper's events land in
    // the same partition whichever client published them (librdkafka's default, CRC32, would not).
    partitioner: "murmur2_random",
    "batch.size": options.maxBatchBytes,
    // A record not acknowledged by then is failed by librdkafka itself; with the publish timeout
    // equal to it, the in-flight bytes it holds are freed about when its request got a 503.
    "message.timeout.ms": options.timeoutMs,
    "request.timeout.ms": options.timeoutMs,
    "socket.connection.setup.timeout.ms": Math.max(1000, Math.min(METADATA_TIMEOUT_MS, options.timeoutMs)),
    // Our in-flight bound is the limit; librdkafka's own queue limits only need to stay above it.
    "queue.buffering.max.kbytes": Math.ceil((options.maxInFlightBytes * 2) / 1024),
    "queue.buffering.max.messages": 2_000_000,
    // Reconnect within a second of the broker coming back (the default backs off up to 10 s).
    "reconnect.backoff.max.ms": 1000,
    // Error lines only, and only to our `event.log` listener (nothing is printed): they carry the
    // reason a connection failed, such as a refused password or an unknown CA.
    log_level: LOG_LEVEL_ERROR,
    dr_cb: true,
    ...librdkafkaSecurityConfig(options.security),
  };
}

/**
 * Publisher on librdkafka (@confluentinc/kafka-javascript): its native producer batches per
 * partition with `linger.ms`, compresses and sends from its own threads; every record carries its
 * publish's {@link PublishTicket} as opaque, and the per-record delivery reports (polled on
 * librdkafka's background thread) count the ticket down. The producer connects lazily; once
 * connected, librdkafka reconnects by itself after a broker outage.
 */
export function createLibrdkafkaPublisher(publisherOptions: PublisherOptions): EventPublisher {
  const options = resolvePublisherOptions(publisherOptions);
  const accounting = new PublishAccounting("librdkafka", options.maxInFlightBytes);
  const config = librdkafkaConfig(options);
  let producer: Producer | undefined;
  let connecting: Promise<Producer> | undefined;
  let closed = false;
  // librdkafka's connect callback only says "broker transport failure"; the reason (e.g. "SASL
  // authentication error: … invalid credentials", "SSL handshake failed: … certificate verify
  // failed") comes as a log line, which needs no poll, unlike `event.error`.
  let lastClientError: string | undefined;
  const withReason = (message: string) => (lastClientError ? `${message} (${lastClientError})` : message);

  const onDelivery = (error: LibrdKafkaError | null, report: DeliveryReport) => {
    const ticket = report.opaque as PublishTicket;
    if (error) ticket.failed(1, new PublishError(`Kafka did not acknowledge: ${error.message}`, { cause: error }));
    else ticket.acknowledged(1);
  };

  const connect = (): Promise<Producer> => {
    if (producer) return Promise.resolve(producer);
    connecting ??= new Promise<Producer>((resolve, reject) => {
      const candidate = new rdkafka.Producer(config);
      candidate.on("event.error", () => accounting.clientError());
      // Emitted when the OAUTHBEARER token callback fails (MSK IAM without AWS credentials): with no
      // listener, Node would throw it and stop the process. (Missing from the package's event types.)
      (candidate as unknown as NodeJS.EventEmitter).on("error", (error: Error) => {
        accounting.clientError();
        lastClientError = error.message;
      });
      candidate.on("event.log", (log: { severity: number; message: string }) => {
        if (log.severity <= LOG_LEVEL_ERROR) lastClientError = log.message.replace(/^\[thrd:[^\]]*\]: /, "");
      });
      candidate.on("delivery-report", onDelivery);
      candidate.connect({ timeout: Math.min(METADATA_TIMEOUT_MS, options.timeoutMs) }, (error) => {
        connecting = undefined;
        if (error) {
          accounting.clientError();
          reject(new PublishError(withReason(`cannot connect to Kafka: ${error.message}`), { cause: error }));
          return;
        }
        lastClientError = undefined;
        // Delivery reports are polled on librdkafka's thread and handed to the event loop as they come,
        // instead of on a JS timer that would add its interval to every publish.
        candidate.setPollInBackground(true);
        producer = candidate;
        resolve(candidate);
      });
    });
    return connecting;
  };

  const produceAll = (target: Producer, records: EncodedRecord[], ticket: PublishTicket) => {
    for (let i = 0; i < records.length; i++) {
      const { topic, key, value } = records[i] as EncodedRecord;
      try {
        target.produce(topic, null, value, key, null, ticket);
      } catch (error) {
        // Not handed over (local queue full, unknown topic): those get no delivery report.
        ticket.failed(records.length - i, new PublishError("the producer refused the records", { cause: error }));
        return;
      }
    }
  };

  const metadataAnswers = (target: Producer) =>
    new Promise<boolean>((resolve) => {
      target.getMetadata({ allTopics: false, timeout: Math.min(METADATA_TIMEOUT_MS, options.timeoutMs) }, (error) =>
        resolve(!error),
      );
    });

  return {
    publish: (records: PublishRecord[]) =>
      publishThrough(records, { closed, accounting, timeoutMs: options.timeoutMs }, ({ encoded, ticket }) => {
        if (producer) produceAll(producer, encoded, ticket);
        else
          connect().then(
            (connected) => produceAll(connected, encoded, ticket),
            (error: unknown) => ticket.failed(encoded.length, error),
          );
      }),
    async isReady() {
      try {
        return await metadataAnswers(await connect());
      } catch {
        return false;
      }
    },
    async close() {
      closed = true;
      const target = producer ?? (await connecting?.catch(() => undefined));
      if (!target) return;
      // Waits until every record handed over is acknowledged or has failed (message.timeout.ms).
      await new Promise<void>((resolve) => target.flush(options.timeoutMs + 1000, () => resolve()));
      await new Promise<void>((resolve) => target.disconnect(() => resolve()));
      producer = undefined;
    },
    stats: () => accounting.stats(),
  };
}
