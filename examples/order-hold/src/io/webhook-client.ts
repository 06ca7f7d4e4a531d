import { classifyResponse, type DeliveryResult, parseRetryAfter } from "../core/delivery.js";
import type { HoldSender } from "../core/handle-record.js";
import type { HoldRequest } from "../core/hold.js";
import { SIGNATURE_HEADER, signBody } from "../core/signature.js";

export interface WebhookClientOptions {
  readonly url: string;
  /** Signs each request (`Shop-Signature`) when set. */
  readonly secret?: string | undefined;
  readonly timeoutMs: number;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default Date.now */
  readonly now?: () => number;
}

const USER_AGENT = "shop-order-hold/0.1.0";
const DETAIL_CHARS = 300;

function networkError(error: unknown): string {
  const { message, cause } = error as Error & { cause?: { code?: string; message?: string } };
  if ((error as Error).name === "TimeoutError") return `no answer within the timeout (${message})`;
  const code = cause?.code ?? cause?.message;
  return code ? `${message} (${code})` : message;
}

/**
 * POSTs hold requests to the shop's webhook: JSON body, `Idempotency-Key: <alertId>` (the same on
 * every retry and every duplicate alert, so the shop places one hold per alert), and a signature when
 * a secret is configured. Redirects are not followed: a hold goes to the configured URL or nowhere.
 */
export function createWebhookClient(options: WebhookClientOptions): HoldSender {
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;

  return {
    async send(request: HoldRequest): Promise<DeliveryResult> {
      const body = JSON.stringify(request);
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "idempotency-key": request.alertId,
        "user-agent": USER_AGENT,
      };
      if (options.secret) headers[SIGNATURE_HEADER] = signBody(options.secret, body, Math.floor(now() / 1000));
      try {
        const response = await doFetch(options.url, {
          method: "POST",
          headers,
          body,
          redirect: "manual",
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        // Read the body to its end either way: it frees the connection for the next call.
        const detail = (await response.text()).slice(0, DETAIL_CHARS).trim();
        return classifyResponse(response.status, detail, parseRetryAfter(response.headers.get("retry-after"), now()));
      } catch (error) {
        return { kind: "retry", error: networkError(error) };
      }
    },
  };
}
