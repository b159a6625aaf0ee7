-- Suivi subventions — the échéancier of the subsidies of subsidies.sql (same parameters:
-- $unit, $date_from), sorted by date.
-- Grain: one row per instalment (marts.subsidy_instalments_timeline) of those subsidies.
-- Columns: instalment_id, subsidy_id, funder, scheme, unit_code, unit_name, kind ('avance' |
--          'acompte' | 'solde'), amount, expected_on, received_on, status ('reçu' | 'à venir' |
--          'en retard'), days_late, is_late, treasury_month (the month the plan de trésorerie
--          counts it in; NULL once received), in_plan (that month is within the plan's months),
--          treasury_period (the exercice of that month, as the period filter writes it, for the
--          link into the plan)
WITH settings AS (
    SELECT coalesce(max(CASE WHEN key = 'fiscal_year_start_month' THEN CAST(value AS INTEGER) END), 1)
               AS start_month
    FROM ref.settings
),
shown AS (
    SELECT DISTINCT subsidy_key
    FROM marts.subsidy_tracking
    WHERE exercice_start <= CAST($date_from AS DATE)
      AND exercice_end >= CAST($date_from AS DATE)
      AND unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit)
)
SELECT t.instalment_id,
       t.subsidy_id,
       t.funder,
       t.scheme,
       t.unit_code,
       units.name AS unit_name,
       t.kind,
       t.amount,
       t.expected_on,
       t.received_on,
       t.status,
       t.days_late,
       t.status = 'en retard' AS is_late,
       t.treasury_month,
       t.treasury_month <= (SELECT max(month) FROM marts.treasury_plan) AS in_plan,
       CASE
           WHEN t.treasury_month IS NULL THEN NULL
           WHEN settings.start_month = 1 THEN CAST(year(t.treasury_month) AS VARCHAR)
           ELSE 'EX' || (year(t.treasury_month) - CAST(month(t.treasury_month) < settings.start_month AS INTEGER))
       END AS treasury_period
FROM marts.subsidy_instalments_timeline AS t
CROSS JOIN settings
LEFT JOIN marts.org_tree AS units ON units.unit_code = t.unit_code
WHERE t.subsidy_key IN (SELECT subsidy_key FROM shown)
ORDER BY t.expected_on, t.instalment_id
