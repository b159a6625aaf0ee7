-- Suivi évènements — the season's totals over the soirées of soirees.sql (_season.sql).
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive).
-- Columns: soiree_count, past_count, takings, costs, dispatched, result, attendance, capacity
--   (of the past soirées with a capacity), fill_rate (attendance / capacity of those; NULL if none)
-- include: suivi_evenements/_season.sql
measured AS (
    SELECT * FROM season WHERE is_past AND capacity > 0
)
SELECT
    (SELECT count(*) FROM season)                                        AS soiree_count,
    (SELECT count(*) FROM season WHERE is_past)                          AS past_count,
    (SELECT coalesce(sum(takings), 0) FROM season)::DECIMAL(14, 2)       AS takings,
    (SELECT coalesce(sum(costs), 0) FROM season)::DECIMAL(14, 2)         AS costs,
    (SELECT coalesce(sum(dispatched), 0) FROM season)::DECIMAL(14, 2)    AS dispatched,
    (SELECT coalesce(sum(result), 0) FROM season)::DECIMAL(14, 2)        AS result,
    (SELECT coalesce(sum(attendance), 0) FROM measured)::INTEGER         AS attendance,
    (SELECT coalesce(sum(capacity), 0) FROM measured)::INTEGER           AS capacity,
    (SELECT sum(attendance)::DOUBLE / sum(capacity) FROM measured)       AS fill_rate
