-- Orders and revenue per UTC day (of event time) and currency, each event once (see unique_events).
-- revenue is net order revenue by the contract: positive on orders, negative on refunds, null on every other
-- event (checkout and payment amounts have columns of their own), so net_revenue is a plain sum.
-- An order counts once per order_id.
SELECT
  CAST(event_ts AS DATE) AS event_date,
  currency,
  count(DISTINCT CASE WHEN event_name = {{event.order_completed}} THEN order_id END) AS orders,
  coalesce(sum(CASE WHEN event_name = {{event.order_completed}} THEN revenue END), CAST(0 AS DOUBLE)) AS gross_revenue,
  coalesce(sum(CASE WHEN event_name IN ({{group.refund}}) THEN revenue END), CAST(0 AS DOUBLE)) AS refunds,
  coalesce(sum(revenue), CAST(0 AS DOUBLE)) AS net_revenue
FROM unique_events
WHERE event_type = {{value.event_type.track}}
  AND event_name IN ({{group.net_revenue}})
GROUP BY CAST(event_ts AS DATE), currency
