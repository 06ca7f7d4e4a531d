-- Conversion funnel in sessions by UTC day, channel and device: sessions that viewed a product, added to cart, started checkout, ordered.
-- Counts sessions (the sessions table), not events: a session with three product views counts once.
-- Each step counts the sessions that reached it, whatever they did before.
-- @param from date = today-30 : First day (UTC, session start), inclusive.
-- @param to date = today : Last day (UTC, session start), inclusive.
-- @param channel enum(contract:channel) = null : Only this acquisition channel; all when unset.
-- @param device enum(contract:ua_device_type) = null : Only this device type; all when unset.
SELECT
  dt AS day,
  coalesce(channel, 'unknown') AS channel,
  coalesce(device_type, 'unknown') AS device,
  count(*) AS sessions,
  count_if(product_views > 0) AS product_viewed,
  count_if(coalesce(cart_adds, 0) > 0) AS added_to_cart,
  count_if(coalesce(checkout_started, false)) AS checkout_started,
  count_if(orders > 0) AS ordered,
  round(CAST(count_if(orders > 0) AS DOUBLE) / count(*), 4) AS conversion_rate
FROM sessions
WHERE dt BETWEEN :from AND :to
  AND (:channel IS NULL OR channel = :channel)
  AND (:device IS NULL OR device_type = :device)
GROUP BY dt, coalesce(channel, 'unknown'), coalesce(device_type, 'unknown')
ORDER BY day, channel, device
