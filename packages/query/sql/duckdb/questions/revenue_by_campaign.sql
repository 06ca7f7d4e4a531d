-- Generated from sql/questions/revenue_by_campaign.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
WITH orders AS (
  SELECT
    e.order_id,
    e.currency,
    e.revenue,
    s.utm_campaign,
    s.channel
  FROM unique_events AS e
  LEFT JOIN sessions AS s
    ON s.anonymous_id = e.anonymous_id
    AND e.event_ts BETWEEN s.session_start AND s.session_end
  WHERE
    e.event_type = {{value.event_type.track}}
    AND e.event_name = {{event.order_completed}}
    AND CAST(e.event_ts AS DATE) BETWEEN CAST(:from AS DATE) AND CAST(:to AS DATE)
    AND (
      :currency IS NULL OR e.currency = UPPER(:currency)
    )
), refunds AS (
  SELECT
    order_id,
    SUM(revenue) AS refunded
  FROM unique_events
  WHERE
    event_type = {{value.event_type.track}} AND event_name IN ({{group.refund}})
  GROUP BY
    order_id
)
SELECT
  COALESCE(o.utm_campaign, '(none)') AS campaign,
  COALESCE(o.channel, 'unknown') AS channel,
  o.currency,
  COUNT(DISTINCT o.order_id) AS orders,
  SUM(o.revenue) AS gross_revenue,
  COALESCE(SUM(r.refunded), CAST(0 AS DOUBLE)) AS refunds,
  SUM(o.revenue) + COALESCE(SUM(r.refunded), CAST(0 AS DOUBLE)) AS net_revenue
FROM orders AS o
LEFT JOIN refunds AS r
  ON r.order_id = o.order_id
GROUP BY
  COALESCE(o.utm_campaign, '(none)'),
  COALESCE(o.channel, 'unknown'),
  o.currency
ORDER BY
  net_revenue DESC,
  campaign,
  channel,
  currency
