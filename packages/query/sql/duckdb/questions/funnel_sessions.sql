-- Generated from sql/questions/funnel_sessions.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
SELECT
  dt AS day,
  COALESCE(channel, 'unknown') AS channel,
  COALESCE(device_type, 'unknown') AS device,
  COUNT(*) AS sessions,
  COUNT_IF(product_views > 0) AS product_viewed,
  COUNT_IF(COALESCE(cart_adds, 0) > 0) AS added_to_cart,
  COUNT_IF(COALESCE(checkout_started, FALSE)) AS checkout_started,
  COUNT_IF(orders > 0) AS ordered,
  ROUND(CAST(COUNT_IF(orders > 0) AS DOUBLE) / COUNT(*), 4) AS conversion_rate
FROM sessions
WHERE
  dt BETWEEN :from AND :to
  AND (
    :channel IS NULL OR channel = :channel
  )
  AND (
    :device IS NULL OR device_type = :device
  )
GROUP BY
  dt,
  COALESCE(channel, 'unknown'),
  COALESCE(device_type, 'unknown')
ORDER BY
  day,
  channel,
  device
