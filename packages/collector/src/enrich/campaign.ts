import type { CampaignContext } from "@shop/event-schema";

/** The contract's limit on each campaign field. */
const MAX_FIELD = 500;

/** utm_* parameter → campaign field; Segment calls utm_campaign `name`. */
const FIELDS: Record<string, keyof CampaignContext> = {
  utm_source: "source",
  utm_medium: "medium",
  utm_campaign: "name",
  utm_term: "term",
  utm_content: "content",
};

/**
 * The campaign of a page's query string, for an event whose client sent a page but no campaign. The
 * browser SDK leaves UTM parsing to the collector (as Snowplow's campaign enrichment does: 94 B less
 * in the SDK), and a server library that passes only the page URL gets its campaign too. The query
 * is `page.search` when the client sent it, else the part of `page.url` after `?`. Most pages carry
 * no utm_ parameter, and for them this costs one substring search.
 */
export function campaignOfPage(page: { url?: unknown; search?: unknown }): CampaignContext | undefined {
  let query = typeof page.search === "string" ? page.search : undefined;
  if (query === undefined && typeof page.url === "string") {
    const start = page.url.indexOf("?");
    if (start >= 0) query = page.url.slice(start).split("#", 1)[0];
  }
  if (!query?.includes("utm_")) return undefined;
  const campaign: CampaignContext = {};
  let found = false;
  for (const [key, value] of new URLSearchParams(query)) {
    const field = FIELDS[key];
    if (!field || !value) continue;
    campaign[field] = value.slice(0, MAX_FIELD);
    found = true;
  }
  return found ? campaign : undefined;
}
