-- Top products viewed vs bought: product views, orders and units per product, most viewed first.
-- Views are Product Viewed events; purchases are the products of Order Completed (properties.products,
-- quantity 1 when absent), each event once (unique_events). Ties by product id, so the order is stable.
-- @param from date = today-30 : First day (UTC, event time), inclusive.
-- @param to date = today : Last day (UTC, event time), inclusive.
-- @param limit integer = 20 : How many products.
WITH in_range AS (
  SELECT *
  FROM unique_events
  WHERE event_type = {{value.event_type.track}}
    AND CAST(event_ts AS DATE) BETWEEN CAST(:from AS DATE) AND CAST(:to AS DATE)
),
views AS (
  SELECT product_id, count(*) AS views
  FROM in_range
  WHERE event_name = {{event.product_viewed}} AND product_id IS NOT NULL
  GROUP BY product_id
),
bought AS (
  SELECT
    json_extract_scalar(item, '$.product_id') AS product_id,
    count(DISTINCT o.order_id) AS orders,
    sum(coalesce(CAST(json_extract_scalar(item, '$.quantity') AS INTEGER), 1)) AS units
  FROM in_range AS o
  CROSS JOIN UNNEST(CAST(json_extract(o.properties_json, '$.products') AS ARRAY(JSON))) AS p (item)
  WHERE o.event_name = {{event.order_completed}}
  GROUP BY json_extract_scalar(item, '$.product_id')
)
SELECT
  coalesce(v.product_id, b.product_id) AS product_id,
  coalesce(v.views, 0) AS views,
  coalesce(b.orders, 0) AS orders,
  coalesce(b.units, 0) AS units,
  round(CAST(coalesce(b.orders, 0) AS DOUBLE) / nullif(v.views, 0), 4) AS orders_per_view
FROM views AS v
FULL OUTER JOIN bought AS b ON b.product_id = v.product_id
WHERE coalesce(v.product_id, b.product_id) IS NOT NULL
ORDER BY views DESC, units DESC, product_id
LIMIT :limit
