-- Suivi volontariat — the rows of marts.volunteer_hours the filters select: the unit and every
-- unit below it, the months of the period ($date_from inclusive, $date_to exclusive).
shown as (
    select *
    from marts.volunteer_hours
    where unit_code in (select unit_code from marts.org_rollup where ancestor_code = $unit)
      and month >= date_trunc('month', cast($date_from as date))
      and month < cast($date_to as date)
)
