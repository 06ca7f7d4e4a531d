-- Generated from sql/views/daily_funnel.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
SELECT
  CAST(event_ts AS DATE) AS event_date,
  COUNT_IF(event_name = {{event.product_viewed}}) AS product_views,
  COUNT_IF(event_name = {{event.product_added}}) AS product_adds,
  COUNT_IF(event_name = {{event.checkout_started}}) AS checkouts,
  COUNT_IF(event_name = {{event.order_completed}}) AS orders,
  CAST(COUNT_IF(event_name = {{event.order_completed}}) AS DOUBLE) / NULLIF(COUNT_IF(event_name = {{event.product_viewed}}), 0) AS view_to_order_rate
FROM unique_events
WHERE
  event_type = {{value.event_type.track}} AND event_name IN ({{group.funnel}})
GROUP BY
  CAST(event_ts AS DATE)
