-- One row per event_id: the copy the contract's dedup rule keeps (packages/event-schema, storage/dedup.ts):
-- the first one the collector received, then a total order on the other columns, so every engine keeps the
-- same copy whatever order it reads the files in. Delivery is at least once; every other view reads events
-- through this one.
SELECT {{columns.events}}
FROM (
  SELECT
    *,
    row_number() OVER (PARTITION BY {{dedup.events.key}} ORDER BY {{dedup.events}}) AS copy_rank
  FROM events
) AS copies
WHERE copy_rank = 1
