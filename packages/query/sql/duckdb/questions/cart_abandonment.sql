-- Generated from sql/questions/cart_abandonment.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
SELECT
  dt AS day,
  COUNT_IF(COALESCE(cart_adds, 0) > 0) AS cart_sessions,
  COUNT_IF(COALESCE(cart_adds, 0) > 0 AND orders = 0) AS abandoned_carts,
  ROUND(
    CAST(COUNT_IF(COALESCE(cart_adds, 0) > 0 AND orders = 0) AS DOUBLE) / NULLIF(COUNT_IF(COALESCE(cart_adds, 0) > 0), 0),
    4
  ) AS cart_abandonment_rate,
  COUNT_IF(COALESCE(checkout_started, FALSE)) AS checkout_sessions,
  COUNT_IF(COALESCE(checkout_started, FALSE) AND orders = 0) AS abandoned_checkouts,
  ROUND(
    CAST(COUNT_IF(COALESCE(checkout_started, FALSE) AND orders = 0) AS DOUBLE) / NULLIF(COUNT_IF(COALESCE(checkout_started, FALSE)), 0),
    4
  ) AS checkout_abandonment_rate
FROM sessions
WHERE
  dt BETWEEN :from AND :to
  AND (
    :device IS NULL OR device_type = :device
  )
GROUP BY
  dt
ORDER BY
  day
