/** One Kafka record to publish. The key decides the partition, so one shopper's events stay in order. */
export interface PublishRecord {
  topic: string;
  key: string | null;
  value: string;
}

/**
 * The collector's only view of Kafka. `publish` resolves once the broker has acknowledged every record
 * (acks=all) and rejects otherwise; callers never answer 200 before it resolves.
 */
export interface EventPublisher {
  publish(records: PublishRecord[]): Promise<void>;
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

export class PublishError extends Error {
  readonly code = "publish_failed";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PublishError";
  }
}
