-- Suivi budgétaire — month by month, forecast against real, for the chart.
--
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive), $direction ('depense' | 'recette').
-- Grain: one row per month of the period (months without figures give zeros).
-- Columns: month DATE (first day), previsionnel, engage, reel
with months as (
    select cast(m as date) as month
    from generate_series(
        cast(date_trunc('month', cast($date_from as date)) as timestamp),
        cast(cast($date_to as date) - interval 1 day as timestamp),
        interval 1 month
    ) as t(m)
),
figures as (
    select month, sum(previsionnel) as previsionnel, sum(engage) as engage, sum(reel) as reel
    from marts.budget_rollup  -- the unit and its subtree, internal flows inside it eliminated
    where unit_code = $unit
      and month >= date_trunc('month', cast($date_from as date))
      and month < cast($date_to as date)
      and direction = $direction
    group by month
)
select months.month,
       coalesce(f.previsionnel, 0)::decimal(14,2) as previsionnel,
       coalesce(f.engage, 0)::decimal(14,2) as engage,
       coalesce(f.reel, 0)::decimal(14,2) as reel
from months
left join figures as f using (month)
order by months.month
