-- Generated from sql/views/daily_revenue.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
SELECT
  CAST(event_ts AS DATE) AS event_date,
  currency,
  COUNT(DISTINCT CASE WHEN event_name = {{event.order_completed}} THEN order_id END) AS orders,
  COALESCE(SUM(CASE WHEN event_name = {{event.order_completed}} THEN revenue END), CAST(0 AS DOUBLE)) AS gross_revenue,
  COALESCE(SUM(CASE WHEN event_name IN ({{group.refund}}) THEN revenue END), CAST(0 AS DOUBLE)) AS refunds,
  COALESCE(SUM(revenue), CAST(0 AS DOUBLE)) AS net_revenue
FROM unique_events
WHERE
  event_type = {{value.event_type.track}} AND event_name IN ({{group.net_revenue}})
GROUP BY
  CAST(event_ts AS DATE),
  currency
