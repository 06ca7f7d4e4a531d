import { createServer, type Server } from "node:http";
import type { EventPublisher, PublishRecord } from "../src/publish/publisher.js";

/**
 * The floor the collector is measured against: an HTTP server that only reads and parses the same
 * bodies and publishes the same number of records (key anonymousId, value the event's JSON) through
 * the same publisher and settings, answering 200 after the acknowledgement. No validation,
 * enrichment, auth, limits, metrics or framework: what is left is the unavoidable cost.
 */
export function floorServer(publisher: EventPublisher, topic: string): Server {
  return createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      let records: PublishRecord[];
      try {
        const { batch } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          batch: Array<{ anonymousId?: string }>;
        };
        records = batch.map((event) => ({ topic, key: event.anonymousId ?? null, value: JSON.stringify(event) }));
      } catch {
        response.writeHead(400).end();
        return;
      }
      publisher.publish(records).then(
        () => response.writeHead(200, { "content-type": "application/json" }).end('{"success":true}'),
        () => response.writeHead(503).end(),
      );
    });
  });
}
