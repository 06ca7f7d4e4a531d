import type { IncomingMessage } from "node:http";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { parseJsonBody } from "./json-body.js";
import { contentEncodingOf, readBody } from "./read-body.js";

export interface BodyLimits {
  /** Cap on the body on the wire and after decompression. */
  maxBodyBytes: number;
  maxJsonDepth: number;
}

/**
 * Replaces Fastify's body parsers with one for JSON sent as application/json or text/plain (what
 * navigator.sendBeacon can send without a CORS preflight), compressed or not. Any other media type is
 * left without a parser, so Fastify answers 415.
 */
export function registerBodyParser(app: FastifyInstance, { maxBodyBytes, maxJsonDepth }: BodyLimits): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ["application/json", "text/plain"],
    async (request: FastifyRequest, payload: IncomingMessage) => {
      const body = await readBody(payload, {
        encoding: contentEncodingOf(request.headers["content-encoding"]),
        maxBytes: maxBodyBytes,
        contentLength: request.headers["content-length"],
      });
      return parseJsonBody(body, maxJsonDepth);
    },
  );
}
