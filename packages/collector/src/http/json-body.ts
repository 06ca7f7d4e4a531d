import { isUtf8 } from "node:buffer";
import secureJson from "secure-json-parse";
import { CollectorError } from "./errors.js";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * True when the JSON text nests objects/arrays deeper than `maxDepth`. Scans bytes, skipping string
 * contents, so it runs before JSON.parse builds anything. Malformed text is left for JSON.parse to
 * reject; this only has to be right for well-formed JSON.
 */
export function nestsDeeperThan(json: Uint8Array, maxDepth: number): boolean {
  // Deeper than maxDepth needs more than maxDepth opening brackets, hence more bytes.
  if (json.length <= maxDepth) return false;
  let depth = 0;
  const length = json.length;
  for (let i = 0; i < length; i++) {
    const byte = json[i];
    if (byte === QUOTE) {
      // Skip to the closing quote: one not preceded by an odd run of backslashes.
      for (i++; i < length; i++) {
        const inner = json[i];
        if (inner === BACKSLASH) i++;
        else if (inner === QUOTE) break;
      }
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/** Media types that say the body is JSON; for any other, a parse error also names what was declared. */
const JSON_MEDIA_TYPE = /^\s*(application\/([\w.+-]+\+)?json|text\/plain)\s*(;|$)/i;

/**
 * Parses a request body as JSON, safely: it must be UTF-8 (RFC 8259), nest at most `maxDepth` deep,
 * and carry no `__proto__` or `constructor.prototype` keys (secure-json-parse), which could otherwise
 * poison prototypes in code that merges the body into other objects. `contentType` is only used to
 * explain a failure: the body is read as JSON whatever the client declared.
 */
export function parseJsonBody(body: Buffer, maxDepth: number, contentType?: string): unknown {
  let bytes = body;
  if (bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2]) bytes = bytes.subarray(3);
  if (!isUtf8(bytes)) throw new CollectorError("invalid_utf8");
  if (nestsDeeperThan(bytes, maxDepth)) {
    throw new CollectorError("too_deeply_nested", `the body nests objects or arrays deeper than ${maxDepth} levels`);
  }
  const text = bytes.toString("utf8");
  try {
    return secureJson.parse(text, null, { protoAction: "error", constructorAction: "error" });
  } catch (error) {
    if (text.trim() === "") throw new CollectorError("invalid_json", "the body is empty");
    const message = error instanceof Error ? error.message : String(error);
    if (/prototype property/i.test(message)) {
      throw new CollectorError("invalid_json", "the body contains a forbidden __proto__ or constructor.prototype key");
    }
    const declared =
      contentType && !JSON_MEDIA_TYPE.test(contentType)
        ? ` (the body is read as JSON whatever its Content-Type; this one was declared ${JSON.stringify(contentType.slice(0, 80))})`
        : "";
    throw new CollectorError("invalid_json", `invalid JSON: ${message}${declared}`);
  }
}
