-- Data quality: null rates of the columns reports rely on, over the events each applies to.
-- Person, session, page and device columns over every event; order columns over Order Completed only.
-- @param from date = today-7 : First day (UTC, event time), inclusive.
-- @param to date = today : Last day (UTC, event time), inclusive.
WITH e AS (
  SELECT *
  FROM unique_events
  WHERE CAST(event_ts AS DATE) BETWEEN CAST(:from AS DATE) AND CAST(:to AS DATE)
),
orders AS (
  SELECT * FROM e WHERE event_type = {{value.event_type.track}} AND event_name = {{event.order_completed}}
),
counts AS (
  SELECT 1 AS ord, 'user_id' AS column_name, 'all events' AS scope, count(*) AS rows, count_if(user_id IS NULL) AS nulls FROM e
  UNION ALL
  SELECT 2, 'session_id', 'all events', count(*), count_if(session_id IS NULL) FROM e
  UNION ALL
  SELECT 3, 'page_path', 'all events', count(*), count_if(page_path IS NULL) FROM e
  UNION ALL
  SELECT 4, 'ua_device_type', 'all events', count(*), count_if(ua_device_type IS NULL) FROM e
  UNION ALL
  SELECT 5, 'geo_country', 'all events', count(*), count_if(geo_country IS NULL) FROM e
  UNION ALL
  SELECT 6, 'order_id', 'orders', count(*), count_if(order_id IS NULL) FROM orders
  UNION ALL
  SELECT 7, 'revenue', 'orders', count(*), count_if(revenue IS NULL) FROM orders
  UNION ALL
  SELECT 8, 'currency', 'orders', count(*), count_if(currency IS NULL) FROM orders
)
SELECT
  column_name,
  scope,
  rows,
  nulls,
  round(CAST(nulls AS DOUBLE) / nullif(rows, 0), 4) AS null_rate
FROM counts
ORDER BY ord
