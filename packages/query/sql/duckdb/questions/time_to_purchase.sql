-- Generated from sql/questions/time_to_purchase.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
WITH people AS (
  SELECT
    CASE
      WHEN first_order_at IS NULL
      THEN 6
      WHEN first_order_at <= first_seen
      THEN 1
      WHEN DATE_DIFF('HOUR', first_seen, first_order_at) < 24
      THEN 2
      WHEN DATE_DIFF('DAY', first_seen, first_order_at) < 7
      THEN 3
      WHEN DATE_DIFF('DAY', first_seen, first_order_at) < 30
      THEN 4
      ELSE 5
    END AS bucket_order
  FROM users
  WHERE
    dt BETWEEN :from AND :to
), buckets AS (
  SELECT
    bucket_order,
    COUNT(*) AS people
  FROM people
  GROUP BY
    bucket_order
)
SELECT
  CASE bucket_order
    WHEN 1
    THEN 'first session'
    WHEN 2
    THEN 'within a day'
    WHEN 3
    THEN '1-7 days'
    WHEN 4
    THEN '7-30 days'
    WHEN 5
    THEN '30+ days'
    ELSE 'not yet'
  END AS time_to_purchase,
  people,
  ROUND(CAST(people AS DOUBLE) / SUM(people) OVER (), 4) AS share
FROM buckets
ORDER BY
  bucket_order
