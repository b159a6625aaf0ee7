-- Suivi évènements — the season's totals over the soirées of soirees.sql (_saison.sql).
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive).
-- Columns: soiree_count, past_count, takings, costs, dispatched, result, attendance, capacity
--   (of the past soirées with a capacity), fill_rate (attendance / capacity of those; NULL if none)
-- include: suivi_evenements/_saison.sql
measured as (
    select * from season where is_past and capacity > 0
)
select
    (select count(*) from season)                                        as soiree_count,
    (select count(*) from season where is_past)                          as past_count,
    (select coalesce(sum(takings), 0) from season)::decimal(14, 2)       as takings,
    (select coalesce(sum(costs), 0) from season)::decimal(14, 2)         as costs,
    (select coalesce(sum(dispatched), 0) from season)::decimal(14, 2)    as dispatched,
    (select coalesce(sum(result), 0) from season)::decimal(14, 2)        as result,
    (select coalesce(sum(attendance), 0) from measured)::integer         as attendance,
    (select coalesce(sum(capacity), 0) from measured)::integer           as capacity,
    (select sum(attendance)::double / sum(capacity) from measured)       as fill_rate
