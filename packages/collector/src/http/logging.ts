import type { FastifyRequest } from "fastify";

/**
 * Fields that would put personal data or secrets in the logs if anything ever logged them: client
 * IPs, write keys, cookies, and the identifying parts of an event (emails, traits). Our own serializer
 * below already leaves IPs and headers out; redaction is the net under it.
 */
const redactedLogPaths = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-write-key"]',
  'req.headers["x-forwarded-for"]',
  'req.headers["x-real-ip"]',
  "req.remoteAddress",
  "req.ip",
  "ip",
  "clientIp",
  "writeKey",
  "email",
  "traits",
  "*.ip",
  "*.email",
  "*.traits",
  "*.writeKey",
  "*.context.ip",
  "*.context.traits",
  "*.*.email",
  "*.*.traits",
];

const pathOnly = (url: string) => {
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
};

/**
 * Pino options for the collector's structured JSON logs. Requests are logged by method, path and
 * route only: no IP, no query string, no headers.
 */
export function collectorLoggerOptions(level: string) {
  return {
    level,
    redact: { paths: redactedLogPaths, censor: "[redacted]" },
    serializers: {
      // Whatever is logged as `req`, only these three fields come out: never headers or the IP.
      req: (request: Partial<FastifyRequest>) => ({
        method: request.method,
        url: typeof request.url === "string" ? pathOnly(request.url) : undefined,
        route: request.routeOptions?.url,
      }),
    },
  };
}
