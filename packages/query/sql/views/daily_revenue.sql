-- Orders and revenue per UTC day (of event time) and currency. Refunds carry negative revenue
-- (see the contract's revenue column), so net = gross + refunds.
-- Duplicated deliveries collapse on event_id first; an order counts once per order_id.
WITH order_events AS (
  SELECT
    event_id,
    min(event_name) AS event_name,
    min(event_ts) AS event_ts,
    min(order_id) AS order_id,
    min(revenue) AS revenue,
    min(currency) AS currency
  FROM events
  WHERE event_type = 'track'
    AND event_name IN ('Order Completed', 'Order Refunded')
  GROUP BY event_id
)
SELECT
  CAST(event_ts AS DATE) AS event_date,
  currency,
  count(DISTINCT CASE WHEN event_name = 'Order Completed' THEN order_id END) AS orders,
  coalesce(sum(CASE WHEN event_name = 'Order Completed' THEN revenue END), CAST(0 AS DOUBLE)) AS gross_revenue,
  coalesce(sum(CASE WHEN event_name = 'Order Refunded' THEN revenue END), CAST(0 AS DOUBLE)) AS refunds,
  coalesce(sum(revenue), CAST(0 AS DOUBLE)) AS net_revenue
FROM order_events
GROUP BY CAST(event_ts AS DATE), currency
