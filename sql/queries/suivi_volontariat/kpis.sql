-- Suivi volontariat — the KPI cards.
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive).
-- Grain: one row.
-- Columns: hours_validated, hours_pending, credits, valuation (€), members_active (people with
--          validated or pending hours), hourly_rate (€ per hour, from the settings)
WITH
-- include: suivi_volontariat/_shown.sql
SELECT coalesce(sum(hours_validated), 0)::DECIMAL(12, 2)                      AS hours_validated,
       coalesce(sum(hours_pending), 0)::DECIMAL(12, 2)                        AS hours_pending,
       coalesce(sum(credits), 0)::DECIMAL(12, 2)                              AS credits,
       coalesce(sum(valuation), 0)::DECIMAL(14, 2)                            AS valuation,
       count(DISTINCT person_key) FILTER (WHERE hours_validated <> 0 OR hours_pending <> 0) AS members_active,
       (SELECT volunteer_hourly_rate FROM staging.stg_ref__settings)          AS hourly_rate
FROM shown
