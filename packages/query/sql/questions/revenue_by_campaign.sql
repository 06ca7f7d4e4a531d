-- Revenue by campaign and channel: orders, gross, refunds and net per UTC campaign, channel and currency.
-- An order is attributed to the session it happened in (same device, within the session's start and end);
-- a refund to its order's session, whenever it came. No currency conversion: one row per currency.
-- @param from date = today-30 : First day (UTC, order time), inclusive.
-- @param to date = today : Last day (UTC, order time), inclusive.
-- @param currency string = null : Only this ISO 4217 currency (e.g. EUR); all when unset.
WITH orders AS (
  SELECT e.order_id, e.currency, e.revenue, s.utm_campaign, s.channel
  FROM unique_events AS e
  LEFT JOIN sessions AS s
    ON s.anonymous_id = e.anonymous_id AND e.event_ts BETWEEN s.session_start AND s.session_end
  WHERE e.event_type = {{value.event_type.track}}
    AND e.event_name = {{event.order_completed}}
    AND CAST(e.event_ts AS DATE) BETWEEN CAST(:from AS DATE) AND CAST(:to AS DATE)
    AND (:currency IS NULL OR e.currency = upper(:currency))
),
refunds AS (
  SELECT order_id, sum(revenue) AS refunded
  FROM unique_events
  WHERE event_type = {{value.event_type.track}} AND event_name IN ({{group.refund}})
  GROUP BY order_id
)
SELECT
  coalesce(o.utm_campaign, '(none)') AS campaign,
  coalesce(o.channel, 'unknown') AS channel,
  o.currency,
  count(DISTINCT o.order_id) AS orders,
  sum(o.revenue) AS gross_revenue,
  coalesce(sum(r.refunded), CAST(0 AS DOUBLE)) AS refunds,
  sum(o.revenue) + coalesce(sum(r.refunded), CAST(0 AS DOUBLE)) AS net_revenue
FROM orders AS o
LEFT JOIN refunds AS r ON r.order_id = o.order_id
GROUP BY coalesce(o.utm_campaign, '(none)'), coalesce(o.channel, 'unknown'), o.currency
ORDER BY net_revenue DESC, campaign, channel, currency
