import type { IncomingMessage } from "node:http";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { parseJsonBody } from "./json-body.js";
import { contentEncodingOf, readBody } from "./read-body.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The body's size as received (compressed, for a compressed body); 0 before it is read. */
    bodyWireBytes: number;
  }
}

export interface BodyLimits {
  /** Cap on the body on the wire and after decompression. */
  maxBodyBytes: number;
  maxJsonDepth: number;
}

/**
 * Replaces Fastify's body parsers with one that reads every body as JSON, compressed or not, whatever
 * media type it declares. Real clients label JSON in many ways: navigator.sendBeacon sends text/plain
 * (no CORS preflight), and RudderStack's Node library sends gzip-compressed JSON labelled
 * application/x-www-form-urlencoded (axios' default for a Buffer). Segment-protocol servers that answer
 * those with 415 lose every event such a client sends; a body that does not parse gets a 400 that names
 * the declared type instead.
 */
export function registerBodyParser(app: FastifyInstance, { maxBodyBytes, maxJsonDepth }: BodyLimits): void {
  app.removeAllContentTypeParsers();
  app.decorateRequest("bodyWireBytes", 0);
  app.addContentTypeParser("*", async (request: FastifyRequest, payload: IncomingMessage) => {
    const received = { wireBytes: 0 };
    const body = await readBody(payload, {
      encoding: contentEncodingOf(request.headers["content-encoding"]),
      maxBytes: maxBodyBytes,
      contentLength: request.headers["content-length"],
      received,
    });
    request.bodyWireBytes = received.wireBytes;
    return parseJsonBody(body, maxJsonDepth, request.headers["content-type"]);
  });
}
