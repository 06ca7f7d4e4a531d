-- Every session with the person it belongs to (person_key): the users table's user_key when the session's
-- device is stitched to a person (users.anonymous_ids), else the session's own user_id, else its device.
-- Questions "in users" count people through this view, so a device used before sign-in counts as the user.
WITH devices AS (
  SELECT u.user_key, d.anonymous_id
  FROM users AS u
  CROSS JOIN UNNEST(split(u.anonymous_ids, ',')) AS d (anonymous_id)
)
SELECT
  coalesce(devices.user_key, s.user_id, s.anonymous_id) AS person_key,
  s.*
FROM sessions AS s
LEFT JOIN devices ON devices.anonymous_id = s.anonymous_id
