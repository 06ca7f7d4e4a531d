import type { CollectedEvent } from "../collected.js";
import { eventNames } from "../events/groups.js";
import type { StorageRow } from "../storage/columns.js";
import { compareCopies, eventsDedupRule } from "../storage/dedup.js";
import { toStorageRow } from "../storage/to-storage-row.js";
import { collectFixture, storageRowsJsonl, type WireFixture } from "./fixtures.js";

/**
 * The shared lake fixtures every reader of the events table is tested with (the views, the sink's
 * compaction and the Spark jobs): the same event delivered several times, and the money events.
 *
 * Each copy is a wire fixture collected again with what differs between deliveries: when the
 * collector received it, and whatever the client changed when it sent it again. `wins` says by hand
 * which copy the dedup rule keeps; the generator refuses to write the files if the rule disagrees.
 */
interface Copy {
  readonly label: string;
  readonly fixture: string;
  readonly receivedAt?: string;
  /** Changes to the collected event (client re-sends differ in sentAt, page, enrichment, …). */
  readonly edit?: (collected: CollectedEvent) => void;
  readonly wins: boolean;
}

const event = (collected: CollectedEvent) =>
  collected.event as Record<string, unknown> & { context?: Record<string, unknown> };
const page = (collected: CollectedEvent, fields: Record<string, unknown>) => {
  const e = event(collected);
  e.context = { ...(e.context ?? {}), page: { ...((e.context?.page as object) ?? {}), ...fields } };
};

const PRODUCT_VIEWED = "product viewed";
const ORDER = "order completed with products";

/** In file order: losers come first where they can, so "first row read wins" would pick wrongly. */
const copies: readonly Copy[] = [
  {
    label: "order: the SDK re-sent it after a timeout; received later, with another sentAt",
    fixture: ORDER,
    receivedAt: "2026-11-28T10:06:30.000Z",
    edit: (c) => {
      event(c).sentAt = "2026-11-28T10:06:29.900Z";
      c.enrichment.eventTs = "2026-11-28T10:05:00.100Z";
    },
    wins: false,
  },
  { label: "order: first delivery", fixture: ORDER, wins: true },
  { label: "order: Kafka redelivered the first delivery (identical row)", fixture: ORDER, wins: false },
  {
    label: "product viewed: two tabs sent it in the same millisecond; titles differ past U+FFFF",
    fixture: PRODUCT_VIEWED,
    // 😀 (U+1F600) sorts after ﬁ (U+FB01) by code point, though its UTF-16 code unit (0xD83D) is smaller.
    edit: (c) => page(c, { title: "\u{1F600} deals" }),
    wins: false,
  },
  {
    label: "product viewed: the same-millisecond copy that sorts first",
    fixture: PRODUCT_VIEWED,
    edit: (c) => page(c, { title: "\uFB01nal sale" }),
    wins: true,
  },
  {
    label: "checkout: same millisecond, one copy without the user id (nulls sort last)",
    fixture: "checkout started",
    edit: (c) => {
      delete event(c).userId;
    },
    wins: false,
  },
  { label: "checkout: same millisecond, with the user id", fixture: "checkout started", wins: true },
  {
    label: "refund: redelivered, received a minute later",
    fixture: "order refunded",
    receivedAt: "2026-11-28T12:01:00.250Z",
    wins: false,
  },
  { label: "refund: first delivery", fixture: "order refunded", wins: true },
  { label: "payment: delivered once", fixture: "payment declined, sent by the shop's backend", wins: true },
  { label: "product added: delivered once", fixture: "product added to cart", wins: true },
];

/** What SUM(revenue) and the other money columns give over the winners, per currency (by hand). */
export const expectedMoney = {
  BRL: {
    orders: 1,
    gross_revenue: 179.8,
    refunds: -89.9,
    net_revenue: 89.9,
    checkout_value: 179.8,
    payment_amount: 199.8,
  },
} as const;

const round = (n: number) => Math.round(n * 100) / 100;

function copyRows(fixtures: readonly WireFixture[]): Array<{ copy: Copy; row: StorageRow }> {
  return copies.map((copy) => {
    const fixture = fixtures.find((f) => f.name === copy.fixture);
    if (!fixture) throw new Error(`lake fixtures: no wire fixture named "${copy.fixture}"`);
    const collected = collectFixture(JSON.parse(JSON.stringify(fixture)) as WireFixture);
    if (copy.receivedAt) collected.receivedAt = copy.receivedAt;
    copy.edit?.(collected);
    return { copy, row: toStorageRow(collected) };
  });
}

/** Checks the hand-marked winners against the rule and the money figures against the winners. */
function checked(rows: Array<{ copy: Copy; row: StorageRow }>): StorageRow[] {
  const byId = new Map<string, Array<{ copy: Copy; row: StorageRow }>>();
  for (const item of rows) byId.set(item.row.event_id, [...(byId.get(item.row.event_id) ?? []), item]);
  const winners: StorageRow[] = [];
  for (const [id, group] of byId) {
    const best = [...group].sort((a, b) => compareCopies(eventsDedupRule, a.row, b.row))[0];
    const marked = group.filter((g) => g.copy.wins);
    if (marked.length !== 1 || !best || compareCopies(eventsDedupRule, best.row, marked[0]?.row ?? {}) !== 0) {
      throw new Error(`lake fixtures: the dedup rule does not keep the copy marked as winning for ${id}`);
    }
    winners.push(best.row);
  }
  const money = { orders: 0, gross_revenue: 0, refunds: 0, net_revenue: 0, checkout_value: 0, payment_amount: 0 };
  for (const row of winners) {
    if (row.currency !== "BRL") continue;
    if (row.event_name === eventNames.order_completed) money.orders += 1;
    if (row.revenue !== null && row.revenue > 0) money.gross_revenue += row.revenue;
    if (row.revenue !== null && row.revenue < 0) money.refunds += row.revenue;
    money.net_revenue += row.revenue ?? 0;
    money.checkout_value += row.checkout_value ?? 0;
    money.payment_amount += row.payment_amount ?? 0;
  }
  for (const [key, value] of Object.entries(money)) {
    if (round(value) !== expectedMoney.BRL[key as keyof typeof money]) {
      throw new Error(
        `lake fixtures: ${key} over the winners is ${round(value)}, not ${expectedMoney.BRL[key as keyof typeof money]}`,
      );
    }
  }
  return winners.sort((a, b) => (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0));
}

/**
 * fixtures/lake/: `copies.jsonl` (every delivery, in file order), `winners.jsonl` (what any reader
 * must keep, by event_id), `expected.json` (labels and the money figures).
 */
export function lakeFixtureFiles(fixtures: readonly WireFixture[]): Record<string, string> {
  const rows = copyRows(fixtures);
  const winners = checked(rows);
  return {
    "fixtures/lake/copies.jsonl": storageRowsJsonl(rows.map((r) => r.row)),
    "fixtures/lake/winners.jsonl": storageRowsJsonl(winners),
    "fixtures/lake/expected.json": `${JSON.stringify(
      {
        doc: "Deliveries of the same events (copies.jsonl, in file order) and the rows every reader keeps (winners.jsonl). Money per currency over the winners.",
        copies: rows.map((r) => ({ label: r.copy.label, event_id: r.row.event_id, wins: r.copy.wins })),
        money: expectedMoney,
      },
      null,
      2,
    )}\n`,
  };
}
