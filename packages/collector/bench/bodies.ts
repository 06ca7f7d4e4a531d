/**
 * Request bodies for the load generator: Segment-style batches of realistic storefront events
 * (~650 bytes each, as the tracker sends them), spread over many shoppers so every partition gets
 * traffic. By default every event of a batch is another shopper's (a server-side source relaying
 * many users); with `shoppersPerBatch` 1 a batch is one shopper's, as a browser tab sends it. Built
 * once before a run, so generating them costs the measured servers nothing.
 */
const userAgents = [
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
];

function event(n: number, shopper: number, sentAt: string) {
  const sku = `SKU-${(n * 7919) % 1000}`;
  return {
    type: "track",
    event: n % 3 === 0 ? "Product Added" : "Product Viewed",
    messageId: `bench-${n.toString(36)}-${(n * 2654435761) % 2 ** 32}`,
    anonymousId: `anon-${shopper.toString(36)}-bench`,
    timestamp: sentAt,
    properties: { product_id: sku.toLowerCase(), sku, category: "Shoes", name: "Runner", price: 89.9, currency: "brl" },
    context: {
      library: { name: "@shop/tracker", version: "0.1.0" },
      page: { path: `/p/${sku.toLowerCase()}`, url: `https://shop.example/p/${sku.toLowerCase()}`, title: "Runner" },
      session: { id: `sess-${shopper.toString(36)}`, seq: n % 50 },
      locale: "pt-BR",
      userAgent: userAgents[shopper % userAgents.length],
    },
  };
}

/**
 * `count` distinct JSON bodies of `batchSize` events each (`{ batch, sentAt }`), and their mean size;
 * each batch's events belong to `shoppersPerBatch` shoppers in turn (default: one per event).
 */
export function makeBodies(
  batchSize: number,
  count: number,
  shoppersPerBatch = batchSize,
): { bodies: string[]; meanEventBytes: number } {
  const sentAt = new Date().toISOString();
  const bodies: string[] = [];
  let n = 0;
  let eventBytes = 0;
  for (let b = 0; b < count; b++) {
    const batch = Array.from({ length: batchSize }, (_, i) =>
      event(n++, (b * shoppersPerBatch + (i % shoppersPerBatch)) % 5000, sentAt),
    );
    eventBytes += batch.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)), 0);
    bodies.push(JSON.stringify({ batch, sentAt }));
  }
  return { bodies, meanEventBytes: Math.round(eventBytes / n) };
}
