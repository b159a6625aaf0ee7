-- Suivi volontariat — month by month, for the chart.
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive).
-- Grain: one row per month of the period (months without volunteering give zeros).
-- Columns: month DATE (first day), hours_validated, hours_pending, valuation
with months as (
    select cast(m as date) as month
    from generate_series(
        cast(date_trunc('month', cast($date_from as date)) as timestamp),
        cast(cast($date_to as date) - interval 1 day as timestamp),
        interval 1 month
    ) as t(m)
),
-- include: suivi_volontariat/_affiches.sql
, figures as (
    select month, sum(hours_validated) as hours_validated, sum(hours_pending) as hours_pending,
           sum(valuation) as valuation
    from shown
    group by month
)
select months.month,
       coalesce(f.hours_validated, 0)::decimal(12, 2) as hours_validated,
       coalesce(f.hours_pending, 0)::decimal(12, 2)   as hours_pending,
       coalesce(f.valuation, 0)::decimal(14, 2)       as valuation
from months
left join figures as f using (month)
order by months.month
