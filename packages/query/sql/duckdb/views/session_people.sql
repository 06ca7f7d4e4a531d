-- Generated from sql/views/session_people.sql by packages/query/transpile (pnpm --filter @shop/query generate). Do not edit.
WITH devices AS (
  SELECT
    u.user_key,
    d.anonymous_id
  FROM users AS u
  CROSS JOIN UNNEST(STR_SPLIT(u.anonymous_ids, ',')) AS d(anonymous_id)
)
SELECT
  COALESCE(devices.user_key, s.user_id, s.anonymous_id) AS person_key,
  s.*
FROM sessions AS s
LEFT JOIN devices
  ON devices.anonymous_id = s.anonymous_id
