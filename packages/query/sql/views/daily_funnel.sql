-- The shopping funnel per UTC day (of event time): product views -> adds to cart -> checkouts -> orders.
-- Duplicated deliveries collapse on event_id first. The rate is cast to DOUBLE because integer division
-- truncates in Athena (Trino) but not in DuckDB.
WITH funnel_events AS (
  SELECT
    event_id,
    min(event_name) AS event_name,
    min(event_ts) AS event_ts
  FROM events
  WHERE event_type = 'track'
    AND event_name IN ('Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed')
  GROUP BY event_id
)
SELECT
  CAST(event_ts AS DATE) AS event_date,
  count_if(event_name = 'Product Viewed') AS product_views,
  count_if(event_name = 'Product Added') AS product_adds,
  count_if(event_name = 'Checkout Started') AS checkouts,
  count_if(event_name = 'Order Completed') AS orders,
  CAST(count_if(event_name = 'Order Completed') AS DOUBLE)
    / nullif(count_if(event_name = 'Product Viewed'), 0) AS view_to_order_rate
FROM funnel_events
GROUP BY CAST(event_ts AS DATE)
