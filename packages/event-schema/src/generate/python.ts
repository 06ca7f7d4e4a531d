import { FRAUD_ALERT_VERSION } from "../alerts/fraud-alert.js";
import { LIVE_METRICS_VERSION, LIVE_TOP_PRODUCTS } from "../analytics/live-metrics.js";
import { eventGroups, eventNames, eventTypeGroups } from "../events/groups.js";
import { columnValues } from "../events/values.js";
import { eventsDedupRule } from "../storage/dedup.js";
import { STORAGE_SCHEMA_VERSION } from "../storage/mapping.js";
import { GENERATED_NOTICE } from "./header.js";

const py = (text: string) => JSON.stringify(text);
const constant = (key: string) => key.toUpperCase();

/**
 * A tuple of strings in the layout `ruff format` keeps: one item a line with a magic trailing comma,
 * except a single item, whose comma only makes the tuple.
 */
const tuple = (items: readonly string[], indent = "") =>
  items.length === 1
    ? `(${py(items[0] as string)},)`
    : `(\n${items.map((item) => `${indent}    ${py(item)},\n`).join("")}${indent})`;

const groupDict = (groups: Record<string, readonly string[]>) =>
  `{\n${Object.entries(groups)
    .map(([key, items]) => `    ${py(key)}: ${tuple(items, "    ")},\n`)
    .join("")}}`;

/**
 * The contract as a Python module for the Spark jobs (shop_jobs/contract.py): event names, event
 * groups and the dedup rule. Columns and types stay in the generated StructType JSON files.
 */
export function pythonContractModule(): string {
  const names = Object.entries(eventNames)
    .map(([key, name]) => `${constant(key)} = ${py(name)}\n`)
    .join("");
  const groups = Object.fromEntries(Object.entries(eventGroups).map(([key, g]) => [key, g.events]));
  const typeGroups = Object.fromEntries(Object.entries(eventTypeGroups).map(([key, g]) => [key, g.types]));
  const values = Object.entries(columnValues)
    .flatMap(([column, list]) =>
      list.map((value) => `${constant(`${column.replace(/^ua_/, "")}_${value}`)} = ${py(value)}\n`),
    )
    .join("");
  return `"""The event contract for the Spark jobs: event names and groups, column values, the dedup rule, versions.

${GENERATED_NOTICE}
"""

from __future__ import annotations

STORAGE_SCHEMA_VERSION = ${STORAGE_SCHEMA_VERSION}
# Layout version of the alerts.fraud record (the contract's FraudAlert).
FRAUD_ALERT_VERSION = ${FRAUD_ALERT_VERSION}
# Layout version of the metrics.live record (the contract's LiveMetrics), and the length of its top lists.
LIVE_METRICS_VERSION = ${LIVE_METRICS_VERSION}
LIVE_TOP_PRODUCTS = ${LIVE_TOP_PRODUCTS}

# Track event names the pipeline gives a meaning to (see packages/event-schema/src/events/groups.ts).
${names}
# Track events by group (the funnel's steps in order).
EVENT_GROUPS: dict[str, tuple[str, ...]] = ${groupDict(groups)}

# Values of the columns they are named after (ua_device_type's as DEVICE_TYPE_*).
${values}
# Event types by group (page_view: pages and the screens of mobile apps).
EVENT_TYPE_GROUPS: dict[str, tuple[str, ...]] = ${groupDict(typeGroups)}

# The dedup rule: of the rows sharing DEDUP_KEY, the first by DEDUP_ORDER wins, every key ascending
# with nulls last (received_at first; the rest only orders copies received in the same millisecond).
DEDUP_KEY = ${py(eventsDedupRule.key)}
DEDUP_ORDER: tuple[str, ...] = ${tuple(eventsDedupRule.order)}
`;
}
