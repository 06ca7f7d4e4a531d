/** Segment's call types (the wire's `type`). */
export const eventTypes = ["track", "page", "screen", "identify", "group", "alias"] as const;
export type EventType = (typeof eventTypes)[number];

/** The call type whose events have names: event filters by name, and groups, apply to it alone. */
export const trackEventType = "track" satisfies EventType;

/**
 * Wire values the pipeline gives a meaning to, by the column that carries them: the wire schemas type
 * them from here, the collector's user-agent classifier answers with the device types, and the Spark
 * jobs get them as constants (shop_jobs/contract.py: PAYMENT_STATUS_DECLINED, DEVICE_TYPE_BOT, …).
 */
export const columnValues = {
  event_type: eventTypes,
  payment_status: ["authorized", "declined", "error"],
  auth_status: ["success", "failed"],
  ua_device_type: ["desktop", "mobile", "tablet", "bot", "other"],
  // A session's acquisition channel (the sessions and users tables); the rule is the Spark jobs'
  // (shop_jobs.transforms.channel).
  channel: [
    "direct",
    "organic_search",
    "paid_search",
    "organic_social",
    "paid_social",
    "email",
    "affiliate",
    "display",
    "referral",
    "campaign",
  ],
} as const;

export type PaymentStatus = (typeof columnValues.payment_status)[number];
export type AuthStatus = (typeof columnValues.auth_status)[number];
export type DeviceType = (typeof columnValues.ua_device_type)[number];
export type Channel = (typeof columnValues.channel)[number];
