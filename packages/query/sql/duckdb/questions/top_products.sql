-- Generated from sql/questions/top_products.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
WITH in_range AS (
  SELECT
    *
  FROM unique_events
  WHERE
    event_type = {{value.event_type.track}}
    AND CAST(event_ts AS DATE) BETWEEN CAST(:from AS DATE) AND CAST(:to AS DATE)
), views AS (
  SELECT
    product_id,
    COUNT(*) AS views
  FROM in_range
  WHERE
    event_name = {{event.product_viewed}} AND NOT product_id IS NULL
  GROUP BY
    product_id
), bought AS (
  SELECT
    item ->> '$.product_id' AS product_id,
    COUNT(DISTINCT o.order_id) AS orders,
    SUM(COALESCE(CAST(item ->> '$.quantity' AS INT), 1)) AS units
  FROM in_range AS o
  CROSS JOIN UNNEST(CAST(o.properties_json -> '$.products' AS JSON[])) AS p(item)
  WHERE
    o.event_name = {{event.order_completed}}
  GROUP BY
    item ->> '$.product_id'
)
SELECT
  COALESCE(v.product_id, b.product_id) AS product_id,
  COALESCE(v.views, 0) AS views,
  COALESCE(b.orders, 0) AS orders,
  COALESCE(b.units, 0) AS units,
  ROUND(CAST(COALESCE(b.orders, 0) AS DOUBLE) / NULLIF(v.views, 0), 4) AS orders_per_view
FROM views AS v
FULL OUTER JOIN bought AS b
  ON b.product_id = v.product_id
WHERE
  NOT COALESCE(v.product_id, b.product_id) IS NULL
ORDER BY
  views DESC,
  units DESC,
  product_id
LIMIT :limit
