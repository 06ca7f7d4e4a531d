import type { CampaignContext, EventContext } from "@shop/event-schema";

/** The URL an SPA navigation left, which is the next page view's referrer. */
let previousUrl: string | undefined;

export function navigatedFrom(url: string): void {
  previousUrl = url;
}

/** UTM parameters of a query string; Segment calls utm_campaign `name`. */
export function campaignOf(search: string): CampaignContext | undefined {
  const campaign: Record<string, string> = {};
  new URLSearchParams(search).forEach((value, key) => {
    if (key.startsWith("utm_")) campaign[key === "utm_campaign" ? "name" : key.slice(4)] = value;
  });
  return Object.keys(campaign).length > 0 ? campaign : undefined;
}

/**
 * The page context, read at every event. Locale, timezone and user agent are read once: resolving
 * the timezone costs more than the rest of an event.
 */
export function createPageContext(): () => EventContext {
  let timezone: string | undefined;
  try {
    timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    // Very old engines have no Intl; the events go without.
  }
  const { language: locale, userAgent } = navigator;
  let campaignSearch: string | undefined;
  let campaign: CampaignContext | undefined;
  return () => {
    const { href: url, pathname: path, search } = location;
    // Parsed again only when the query string changes (SPA navigation), not at every event.
    if (search !== campaignSearch) {
      campaignSearch = search;
      campaign = campaignOf(search);
    }
    return {
      page: { url, path, referrer: previousUrl ?? document.referrer, title: document.title, search },
      // A copy per event: a beforeSend plugin may change it, and later events must not see that.
      campaign: campaign && { ...campaign },
      locale,
      timezone,
      screen: { width: screen.width, height: screen.height, density: devicePixelRatio },
      userAgent,
    };
  };
}
