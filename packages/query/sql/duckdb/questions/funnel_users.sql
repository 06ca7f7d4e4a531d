-- Generated from sql/questions/funnel_users.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
SELECT
  dt AS day,
  COALESCE(channel, 'unknown') AS channel,
  COALESCE(device_type, 'unknown') AS device,
  COUNT(DISTINCT person_key) AS people,
  COUNT(DISTINCT CASE WHEN product_views > 0 THEN person_key END) AS product_viewed,
  COUNT(DISTINCT CASE WHEN COALESCE(cart_adds, 0) > 0 THEN person_key END) AS added_to_cart,
  COUNT(DISTINCT CASE WHEN COALESCE(checkout_started, FALSE) THEN person_key END) AS checkout_started,
  COUNT(DISTINCT CASE WHEN orders > 0 THEN person_key END) AS ordered,
  ROUND(
    CAST(COUNT(DISTINCT CASE WHEN orders > 0 THEN person_key END) AS DOUBLE) / COUNT(DISTINCT person_key),
    4
  ) AS conversion_rate
FROM session_people
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
