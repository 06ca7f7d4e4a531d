import { randomUUID } from "node:crypto";
import {
  CartError,
  type CheckoutAnswer,
  CheckoutInputError,
  checkout,
  parseCheckoutRequest,
} from "../../../src/checkout";
import { clientIp } from "../../../src/client-ip";
import { config } from "../../../src/config";
import { PaymentInputError } from "../../../src/payment";
import { sendForShopper } from "../../../src/server-events";

const answer = (body: CheckoutAnswer, status = 200) => Response.json(body, { status });

/** Charges the (simulated) card and sends the payment and order events server-side, for the shopper. */
export async function POST(request: Request): Promise<Response> {
  const settings = config();
  let outcome: ReturnType<typeof checkout>;
  let shopper: { anonymousId: string; userId?: string };
  try {
    const body = parseCheckoutRequest(await request.json().catch(() => undefined));
    shopper = { anonymousId: body.anonymousId, ...(body.userId ? { userId: body.userId } : {}) };
    outcome = checkout(body, `order-${randomUUID()}`);
  } catch (error) {
    if (error instanceof CheckoutInputError || error instanceof CartError || error instanceof PaymentInputError) {
      return answer({ status: "error", code: error.code, message: error.message }, 400);
    }
    throw error;
  }
  const ip = clientIp(request.headers.get("x-forwarded-for"), settings.trustedProxyHops);
  const delivery = await sendForShopper(
    { host: settings.serverCollectorUrl, writeKey: settings.serverWriteKey },
    { ...shopper, ...(ip ? { ip } : {}) },
    (track) => {
      for (const e of outcome.events) track(e.event, e.properties);
    },
  );
  // The order stands even if analytics could not be told: a shop does not refuse a paid order for that.
  if (delivery.failed > 0) console.error(`storefront: ${delivery.failed} server-side event(s) not delivered`);
  return answer(outcome.answer);
}
