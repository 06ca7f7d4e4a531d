-- Generated from sql/questions/dq_null_rates.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
WITH e AS (
  SELECT
    *
  FROM unique_events
  WHERE
    CAST(event_ts AS DATE) BETWEEN CAST(:from AS DATE) AND CAST(:to AS DATE)
), orders AS (
  SELECT
    *
  FROM e
  WHERE
    event_type = {{value.event_type.track}} AND event_name = {{event.order_completed}}
), counts AS (
  SELECT
    1 AS ord,
    'user_id' AS column_name,
    'all events' AS scope,
    COUNT(*) AS rows,
    COUNT_IF(user_id IS NULL) AS nulls
  FROM e
  UNION ALL
  SELECT
    2,
    'session_id',
    'all events',
    COUNT(*),
    COUNT_IF(session_id IS NULL)
  FROM e
  UNION ALL
  SELECT
    3,
    'page_path',
    'all events',
    COUNT(*),
    COUNT_IF(page_path IS NULL)
  FROM e
  UNION ALL
  SELECT
    4,
    'ua_device_type',
    'all events',
    COUNT(*),
    COUNT_IF(ua_device_type IS NULL)
  FROM e
  UNION ALL
  SELECT
    5,
    'geo_country',
    'all events',
    COUNT(*),
    COUNT_IF(geo_country IS NULL)
  FROM e
  UNION ALL
  SELECT
    6,
    'order_id',
    'orders',
    COUNT(*),
    COUNT_IF(order_id IS NULL)
  FROM orders
  UNION ALL
  SELECT
    7,
    'revenue',
    'orders',
    COUNT(*),
    COUNT_IF(revenue IS NULL)
  FROM orders
  UNION ALL
  SELECT
    8,
    'currency',
    'orders',
    COUNT(*),
    COUNT_IF(currency IS NULL)
  FROM orders
)
SELECT
  column_name,
  scope,
  rows,
  nulls,
  ROUND(CAST(nulls AS DOUBLE) / NULLIF(rows, 0), 4) AS null_rate
FROM counts
ORDER BY
  ord
