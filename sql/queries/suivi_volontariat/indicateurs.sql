-- Suivi volontariat — the KPI cards.
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive).
-- Grain: one row.
-- Columns: hours_validated, hours_pending, credits, valuation (€), members_active (people with
--          validated or pending hours), hourly_rate (€ per hour, from the settings)
with
-- include: suivi_volontariat/_affiches.sql
select coalesce(sum(hours_validated), 0)::decimal(12, 2)                      as hours_validated,
       coalesce(sum(hours_pending), 0)::decimal(12, 2)                        as hours_pending,
       coalesce(sum(credits), 0)::decimal(12, 2)                              as credits,
       coalesce(sum(valuation), 0)::decimal(14, 2)                            as valuation,
       count(distinct person_key) filter (where hours_validated <> 0 or hours_pending <> 0) as members_active,
       (select volunteer_hourly_rate from staging.stg_ref__settings)          as hourly_rate
from shown
