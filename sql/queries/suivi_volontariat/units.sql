-- Suivi volontariat — per unit (pôle) and month.
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive).
-- Grain: one row per unit × month with volunteering in the selection (tree order, then month).
-- Columns: unit_code, unit_name, month, hours_validated, hours_pending, credits, valuation,
--          members (people with validated or pending hours)
WITH
-- include: suivi_volontariat/_shown.sql
SELECT shown.unit_code,
       any_value(shown.unit_name)                                  AS unit_name,
       shown.month,
       sum(hours_validated)::DECIMAL(12, 2)                        AS hours_validated,
       sum(hours_pending)::DECIMAL(12, 2)                          AS hours_pending,
       sum(credits)::DECIMAL(12, 2)                                AS credits,
       sum(valuation)::DECIMAL(14, 2)                              AS valuation,
       count(DISTINCT person_key)                                  AS members
FROM shown
LEFT JOIN ref.units AS u ON u.unit_code = shown.unit_code
GROUP BY shown.unit_code, shown.month
ORDER BY min(u.sort), shown.unit_code, shown.month
