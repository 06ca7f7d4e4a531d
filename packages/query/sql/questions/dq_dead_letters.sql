-- Data quality: dead letters by UTC day, stage and reason code: records the pipeline refused, and why.
-- Reads the dead_letters table (the sink's dead-letter/ JSON lines; columns in the README).
-- @param from date = today-7 : First day (UTC, receive time), inclusive.
-- @param to date = today : Last day (UTC, receive time), inclusive.
SELECT
  dt AS day,
  stage,
  reason_code,
  count(*) AS dead_letters
FROM dead_letters
WHERE dt BETWEEN :from AND :to
GROUP BY dt, stage, reason_code
ORDER BY day, dead_letters DESC, stage, reason_code
