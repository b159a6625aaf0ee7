-- Suivi évènements — the soirées of the season: those whose day falls in the period and, for a
-- unit other than La Raffinerie (R), booked on that unit or below it (with R, every soirée, those
-- not yet booked on a unit included). Shared by soirees.sql and totaux.sql; ends with a comma.
with season as (
    select r.*
    from marts.soiree_results as r
    where r.soiree_day >= cast($date_from as date)
      and r.soiree_day < cast($date_to as date)
      and ($unit = 'R' or r.unit_code in (select unit_code from marts.org_rollup where ancestor_code = $unit))
),
