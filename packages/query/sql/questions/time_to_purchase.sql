-- Time to first purchase: people by how long after their first session they first ordered.
-- From the users table: first_order_at is the start of the first session with an order, so "first session"
-- means they bought on their first visit. People who never ordered are counted as "not yet".
-- @param from date = today-90 : First cohort day (UTC, first seen), inclusive.
-- @param to date = today : Last cohort day (UTC, first seen), inclusive.
WITH people AS (
  SELECT
    CASE
      WHEN first_order_at IS NULL THEN 6
      WHEN first_order_at <= first_seen THEN 1
      WHEN date_diff('hour', first_seen, first_order_at) < 24 THEN 2
      WHEN date_diff('day', first_seen, first_order_at) < 7 THEN 3
      WHEN date_diff('day', first_seen, first_order_at) < 30 THEN 4
      ELSE 5
    END AS bucket_order
  FROM users
  WHERE dt BETWEEN :from AND :to
),
buckets AS (
  SELECT bucket_order, count(*) AS people FROM people GROUP BY bucket_order
)
SELECT
  CASE bucket_order
    WHEN 1 THEN 'first session'
    WHEN 2 THEN 'within a day'
    WHEN 3 THEN '1-7 days'
    WHEN 4 THEN '7-30 days'
    WHEN 5 THEN '30+ days'
    ELSE 'not yet'
  END AS time_to_purchase,
  people,
  round(CAST(people AS DOUBLE) / sum(people) OVER (), 4) AS share
FROM buckets
ORDER BY bucket_order
