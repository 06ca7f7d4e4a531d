import type { EcommerceEventName, EcommerceProperties } from "@shop/event-schema";
import { createTracker, type Tracker } from "@shop/tracker";
import type { Random } from "./random.js";
import type { Timeline } from "./timeline.js";
import type { TransportFactory } from "./transport.js";

type Properties = Record<string, unknown>;
/** As `Tracker.track`: spec e-commerce events get their properties type-checked against the contract. */
type TrackProperties<Name extends string> = Name extends EcommerceEventName
  ? EcommerceProperties[Name] & Properties
  : Properties;

export interface Campaign {
  source: string;
  medium: string;
  name: string;
}

export interface DeviceOptions {
  host: string;
  writeKey: string;
  random: Random;
  timeline: Timeline;
  transports: TransportFactory;
  userAgent: string;
  /** The shopper's public address: the collector sees it in X-Forwarded-For from the site's proxy. */
  ip: string;
  campaign?: Campaign;
}

const SHOP = "https://shop.example";

/**
 * A shopper's browser: the real SDK (its browser-style context: page, user agent, campaign) on a
 * simulated clock. Every call is scheduled on the timeline at a time and made when the player gets there.
 */
export class Device {
  readonly tracker: Tracker;
  #ip: string;
  #clock = 0;
  #page = { url: `${SHOP}/`, path: "/", title: "Shop", referrer: "", search: "" };
  readonly #timeline: Timeline;
  readonly #campaign: Campaign | undefined;

  constructor(options: DeviceOptions) {
    this.#timeline = options.timeline;
    this.#campaign = options.campaign;
    this.#ip = options.ip;
    const page = () => this.#page;
    const campaign = options.campaign;
    this.tracker = createTracker(
      // Flushed by the player soon after each call; the interval only matters if it is not.
      { host: options.host, writeKey: options.writeKey, flushAt: 20, flushIntervalMs: 60_000 },
      {
        transport: options.transports(() => this.#ip),
        now: () => this.#clock,
        random: options.random,
        platformContext: () => ({
          page: { ...page() },
          ...(campaign ? { campaign: { ...campaign } } : {}),
          userAgent: options.userAgent,
          locale: "pt-BR",
          timezone: "America/Sao_Paulo",
        }),
      },
    );
  }

  /** The address the device is on now (as the player runs). */
  get ip(): string {
    return this.#ip;
  }

  /**
   * From `at` on, the device is on another network. Events queued before are sent first (the player
   * flushes every tracker before a step that changes what a send carries).
   */
  moveTo(at: number, ip: string): void {
    this.#timeline.add(
      at,
      this.tracker,
      () => {
        this.#ip = ip;
      },
      { flushFirst: true },
    );
  }

  /** The SDK's anonymous id: the device key of the fraud rules. */
  get anonymousId(): string {
    return this.tracker.anonymousId();
  }

  #at(at: number, call: () => void): void {
    this.#timeline.add(at, this.tracker, () => {
      this.#clock = at;
      call();
    });
  }

  visit(at: number, path: string, title: string, name: string): void {
    const utm = this.#campaign && path === "/" ? `?utm_source=${this.#campaign.source}` : "";
    this.#at(at, () => {
      this.#page = { url: `${SHOP}${path}${utm}`, path, title, referrer: this.#page.url, search: utm };
      this.tracker.page(name);
    });
  }

  track<Name extends string>(
    at: number,
    event: Name,
    properties: TrackProperties<Name>,
    onSent?: (messageId: string) => void,
  ): void {
    this.#at(at, () => {
      const id = this.tracker.track(event, properties);
      onSent?.(id);
    });
  }

  identify(at: number, userId: string, traits?: Properties): void {
    this.#at(at, () => this.tracker.identify(userId, traits));
  }
}

/** Who a server-side event is about: the shopper's browser ids and address, as the shop's frontend passed them. */
export interface ShopperRef {
  anonymousId: string;
  userId?: string;
  ip: string;
}

/**
 * The shop's backend: one Node tracker (the SDK's Node entry) that sends payment and order events on
 * behalf of shoppers, as Segment's server libraries do: each event carries the shopper's anonymousId,
 * userId and IP (context.ip), stamped by a plugin. The backend's own connection is not the shopper's.
 */
export class ShopBackend {
  readonly tracker: Tracker;
  #clock = 0;
  #shopper: ShopperRef | undefined;
  readonly #timeline: Timeline;

  constructor(options: {
    host: string;
    writeKey: string;
    random: Random;
    timeline: Timeline;
    transports: TransportFactory;
  }) {
    this.#timeline = options.timeline;
    this.tracker = createTracker(
      {
        host: options.host,
        writeKey: options.writeKey,
        flushAt: 50,
        flushIntervalMs: 60_000,
        plugins: [
          {
            name: "on-behalf-of-shopper",
            beforeSend: (event) => {
              const shopper = this.#shopper;
              if (!shopper) return null;
              const { session: _browserless, ...context } = event.context ?? {};
              return {
                ...event,
                anonymousId: shopper.anonymousId,
                ...(shopper.userId ? { userId: shopper.userId } : {}),
                context: { ...context, ip: shopper.ip },
              };
            },
          },
        ],
      },
      { transport: options.transports(() => undefined), now: () => this.#clock, random: options.random },
    );
  }

  /** Sends `event` for the shopper at `at`; `shopper` is read then (a device's anonymous id may change). */
  track<Name extends string>(
    at: number,
    shopper: () => ShopperRef,
    event: Name,
    properties: TrackProperties<Name>,
    onSent?: (messageId: string) => void,
  ): void {
    this.#timeline.add(at, this.tracker, () => {
      this.#clock = at;
      this.#shopper = shopper();
      const id = this.tracker.track(event, properties);
      this.#shopper = undefined;
      onSent?.(id);
    });
  }
}
