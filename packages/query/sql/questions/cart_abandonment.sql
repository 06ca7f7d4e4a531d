-- Cart and checkout abandonment by UTC day: sessions that added to cart (or started checkout) without ordering.
-- In sessions: a cart abandoned and recovered in a later session counts as abandoned in the first.
-- @param from date = today-30 : First day (UTC, session start), inclusive.
-- @param to date = today : Last day (UTC, session start), inclusive.
-- @param device enum(contract:ua_device_type) = null : Only this device type; all when unset.
SELECT
  dt AS day,
  count_if(coalesce(cart_adds, 0) > 0) AS cart_sessions,
  count_if(coalesce(cart_adds, 0) > 0 AND orders = 0) AS abandoned_carts,
  round(
    CAST(count_if(coalesce(cart_adds, 0) > 0 AND orders = 0) AS DOUBLE)
      / nullif(count_if(coalesce(cart_adds, 0) > 0), 0),
    4
  ) AS cart_abandonment_rate,
  count_if(coalesce(checkout_started, false)) AS checkout_sessions,
  count_if(coalesce(checkout_started, false) AND orders = 0) AS abandoned_checkouts,
  round(
    CAST(count_if(coalesce(checkout_started, false) AND orders = 0) AS DOUBLE)
      / nullif(count_if(coalesce(checkout_started, false)), 0),
    4
  ) AS checkout_abandonment_rate
FROM sessions
WHERE dt BETWEEN :from AND :to
  AND (:device IS NULL OR device_type = :device)
GROUP BY dt
ORDER BY day
