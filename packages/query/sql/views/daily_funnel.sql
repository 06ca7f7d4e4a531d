-- The shopping funnel per UTC day (of event time), in events: the contract's funnel steps (product viewed ->
-- added to cart -> checkout started -> order completed), each event once (see unique_events). The rate is
-- cast to DOUBLE because integer division truncates in Athena (Trino) but not in DuckDB.
SELECT
  CAST(event_ts AS DATE) AS event_date,
  count_if(event_name = {{event.product_viewed}}) AS product_views,
  count_if(event_name = {{event.product_added}}) AS product_adds,
  count_if(event_name = {{event.checkout_started}}) AS checkouts,
  count_if(event_name = {{event.order_completed}}) AS orders,
  CAST(count_if(event_name = {{event.order_completed}}) AS DOUBLE)
    / nullif(count_if(event_name = {{event.product_viewed}}), 0) AS view_to_order_rate
FROM unique_events
WHERE event_type = {{value.event_type.track}}
  AND event_name IN ({{group.funnel}})
GROUP BY CAST(event_ts AS DATE)
