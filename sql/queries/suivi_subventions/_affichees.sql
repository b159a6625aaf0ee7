-- The subsidies of the exercice shown ($date_from: the exercice holding that day) for $unit and
-- the units below it, each with its share of its unit's spending.
--
-- marts.subsidy_tracking gives each subsidy what its unit spent over its period (`depense`):
-- two subsidies of one unit see the same expenses. Shown as is, the unit's spending repeats on
-- each of its subsidies and a total adds the repeats. Here the spending of a unit is shared
-- between its subsidies of the exercice in proportion to the amounts granted (equally while none
-- is granted): depense_part = depense × share, reste_a_depenser = accorde − depense_part. A single
-- subsidy of a unit keeps its whole spending (share 1). depense_partagee: the unit has several.
shown as (
    select s.*,
           count(*) over (partition by s.unit_code) as unit_subsidies,
           case when sum(coalesce(s.accorde, 0)) over (partition by s.unit_code) > 0
                then cast(coalesce(s.accorde, 0) as double)
                     / cast(sum(coalesce(s.accorde, 0)) over (partition by s.unit_code) as double)
                else 1.0 / count(*) over (partition by s.unit_code) end as share
    from marts.subsidy_tracking as s
    where s.exercice_start <= cast($date_from as date)
      and s.exercice_end >= cast($date_from as date)
      and s.unit_code in (select unit_code from marts.org_rollup where ancestor_code = $unit)
),
shared as (
    select shown.*,
           cast(round(depense * share, 2) as decimal(14, 2)) as depense_part,
           cast(coalesce(accorde, 0) - round(depense * share, 2) as decimal(14, 2)) as reste_part,
           unit_subsidies > 1 as depense_partagee
    from shown
)
