-- Data quality: dead letters by UTC day, stage and reason code: records the pipeline refused, and why.
-- Reads the contract's dead_letters table (JSON lines under dead-letter/<stage>/; reason is JSON text).
-- @param from date = today-7 : First day (UTC, receive time), inclusive.
-- @param to date = today : Last day (UTC, receive time), inclusive.
SELECT
  dt AS day,
  stage,
  json_extract_scalar(reason, '$.code') AS reason_code,
  count(*) AS dead_letters
FROM dead_letters
WHERE dt BETWEEN :from AND :to
GROUP BY dt, stage, json_extract_scalar(reason, '$.code')
ORDER BY day, dead_letters DESC, stage, reason_code
