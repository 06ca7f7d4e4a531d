-- Sessions and bounce by landing page: sessions, bounces, bounce rate and mean duration per first page, most sessions first.
-- @param from date = today-30 : First day (UTC, session start), inclusive.
-- @param to date = today : Last day (UTC, session start), inclusive.
-- @param device enum(contract:ua_device_type) = null : Only this device type; all when unset.
-- @param limit integer = 20 : How many landing pages.
SELECT
  coalesce(landing_page, '(none)') AS landing_page,
  count(*) AS sessions,
  count_if(is_bounce) AS bounces,
  round(CAST(count_if(is_bounce) AS DOUBLE) / count(*), 4) AS bounce_rate,
  round(avg(duration_seconds), 1) AS avg_duration_seconds
FROM sessions
WHERE dt BETWEEN :from AND :to
  AND (:device IS NULL OR device_type = :device)
GROUP BY coalesce(landing_page, '(none)')
ORDER BY sessions DESC, landing_page
LIMIT :limit
