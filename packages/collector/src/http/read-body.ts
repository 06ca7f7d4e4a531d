import type { Readable } from "node:stream";
import {
  type BrotliDecompress,
  createBrotliDecompress,
  createGunzip,
  createInflate,
  createZstdDecompress,
  type Gunzip,
  type Inflate,
  type ZstdDecompress,
} from "node:zlib";
import { CollectorError } from "./errors.js";

export type ContentEncoding = "identity" | "gzip" | "deflate" | "br" | "zstd";

/**
 * The body's Content-Encoding. One coding only: clients that compress use exactly one, and a chain
 * (`gzip, br`) would multiply the work an attacker can make us do per byte. Unknown codings get 415.
 */
export function contentEncodingOf(header: string | string[] | undefined): ContentEncoding {
  if (header === undefined) return "identity";
  const value = (Array.isArray(header) ? header.join(",") : header).trim().toLowerCase();
  switch (value) {
    case "":
    case "identity":
      return "identity";
    case "gzip":
    case "x-gzip":
      return "gzip";
    case "deflate":
      return "deflate";
    case "br":
      return "br";
    case "zstd":
      return "zstd";
    default:
      throw new CollectorError("unsupported_encoding", `Content-Encoding "${value.slice(0, 40)}" is not supported`);
  }
}

export interface ReadBodyOptions {
  encoding: ContentEncoding;
  /** Cap on the body as received and, for compressed bodies, on the decompressed bytes. */
  maxBytes: number;
  /** The Content-Length header, when the client sent one. */
  contentLength?: string | undefined;
  /** Filled in once the body is read: its size on the wire (compressed, for a compressed body). */
  received?: { wireBytes: number };
}

const tooLarge = (maxBytes: number, what: string) =>
  new CollectorError("payload_too_large", `the ${what} body is over the limit of ${maxBytes} bytes`);

function decompressorFor(
  encoding: Exclude<ContentEncoding, "identity">,
): Gunzip | Inflate | BrotliDecompress | ZstdDecompress {
  if (encoding === "gzip") return createGunzip();
  if (encoding === "deflate") return createInflate();
  if (encoding === "zstd") return createZstdDecompress();
  return createBrotliDecompress();
}

/**
 * Reads a request body into one Buffer, decompressing it on the way. Both the bytes on the wire and the
 * decompressed bytes are capped, and reading stops the moment either cap is passed: a gzip bomb costs
 * us at most `maxBytes` plus one zlib output chunk, never its full inflated size.
 */
export function readBody(
  source: Readable,
  { encoding, maxBytes, contentLength, received }: ReadBodyOptions,
): Promise<Buffer> {
  const declared = contentLength === undefined ? Number.NaN : Number(contentLength);
  if (declared > maxBytes) return Promise.reject(tooLarge(maxBytes, "request"));

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wireBytes = 0;
    let bodyBytes = 0;
    let settled = false;
    let wireEnded = false;
    const decompressor = encoding === "identity" ? undefined : decompressorFor(encoding);

    // Attached below and detached together once the body is settled either way.
    const wireListeners = { data: onWireData, end: onWireEnd, error: onError, close: onClose };
    const bodyListeners = { data: onBodyData, end: onBodyEnd, error: onCorrupt };
    const cleanUp = () => {
      for (const [event, listener] of Object.entries(wireListeners)) source.off(event, listener);
      if (decompressor) {
        for (const [event, listener] of Object.entries(bodyListeners)) decompressor.off(event, listener);
        decompressor.destroy();
      }
    };
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      cleanUp();
      // Stop reading: Fastify closes the connection after a parser error, so the rest is never read.
      source.pause();
      reject(error);
    };
    const succeed = () => {
      if (settled) return;
      settled = true;
      cleanUp();
      if (received) received.wireBytes = wireBytes;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, bodyBytes));
    };

    function onBodyData(chunk: Buffer) {
      bodyBytes += chunk.length;
      if (bodyBytes > maxBytes) return fail(tooLarge(maxBytes, "decompressed"));
      chunks.push(chunk);
    }
    function onWireData(chunk: Buffer | string) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      wireBytes += bytes.length;
      if (wireBytes > maxBytes) return fail(tooLarge(maxBytes, "request"));
      if (decompressor) {
        // Respect zlib's backpressure so a fast sender cannot queue unbounded input in front of it.
        if (!decompressor.write(bytes)) {
          source.pause();
          decompressor.once("drain", () => settled || source.resume());
        }
      } else onBodyData(bytes);
    }
    function onWireEnd() {
      wireEnded = true;
      if (!Number.isNaN(declared) && wireBytes !== declared) {
        return fail(new CollectorError("invalid_body", "the body length does not match Content-Length"));
      }
      if (decompressor) decompressor.end();
      else succeed();
    }
    function onBodyEnd() {
      succeed();
    }
    function onCorrupt() {
      fail(new CollectorError("invalid_body", `the body is not valid ${encoding} data`));
    }
    function onError(error: Error) {
      fail(new CollectorError("invalid_body", "the request body could not be read", undefined, { cause: error }));
    }
    function onClose() {
      // A request stream closes after its end too; only a close before the end is an abort.
      if (!wireEnded)
        fail(new CollectorError("invalid_body", "the client closed the connection before the body ended"));
    }

    for (const [event, listener] of Object.entries(wireListeners)) source.on(event, listener);
    if (decompressor) {
      for (const [event, listener] of Object.entries(bodyListeners)) decompressor.on(event, listener);
    }
    source.resume();
  });
}
