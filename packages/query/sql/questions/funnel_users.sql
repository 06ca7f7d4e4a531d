-- Conversion funnel in people by UTC day, channel and device: distinct people who viewed a product, added to cart, started checkout, ordered.
-- People come from session_people (devices stitched to their user), so two devices of one user count once.
-- A person counts at a step when any of their sessions that day (in that channel, on that device) reached it.
-- @param from date = today-30 : First day (UTC, session start), inclusive.
-- @param to date = today : Last day (UTC, session start), inclusive.
-- @param channel enum(contract:channel) = null : Only this acquisition channel; all when unset.
-- @param device enum(contract:ua_device_type) = null : Only this device type; all when unset.
SELECT
  dt AS day,
  coalesce(channel, 'unknown') AS channel,
  coalesce(device_type, 'unknown') AS device,
  count(DISTINCT person_key) AS people,
  count(DISTINCT CASE WHEN product_views > 0 THEN person_key END) AS product_viewed,
  count(DISTINCT CASE WHEN coalesce(cart_adds, 0) > 0 THEN person_key END) AS added_to_cart,
  count(DISTINCT CASE WHEN coalesce(checkout_started, false) THEN person_key END) AS checkout_started,
  count(DISTINCT CASE WHEN orders > 0 THEN person_key END) AS ordered,
  round(CAST(count(DISTINCT CASE WHEN orders > 0 THEN person_key END) AS DOUBLE) / count(DISTINCT person_key), 4)
    AS conversion_rate
FROM session_people
WHERE dt BETWEEN :from AND :to
  AND (:channel IS NULL OR channel = :channel)
  AND (:device IS NULL OR device_type = :device)
GROUP BY dt, coalesce(channel, 'unknown'), coalesce(device_type, 'unknown')
ORDER BY day, channel, device
