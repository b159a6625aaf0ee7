-- Tableau de bord — the subsidy cards: the subsidies of a unit (and its subtree) whose période de
-- réalisation touches the period shown.
--
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive).
-- marts.subsidy_tracking has one row per subsidy × exercice with the subsidy's own amounts
-- repeated on each row: each subsidy is counted once here.
-- Columns (one row):
--   nombre              number of subsidies
--   demande             amounts requested
--   accorde             amounts granted (0 while not granted)
--   verse               instalments received
--   reste_a_percevoir   accorde − verse
--   en_retard           number of subsidies with an instalment late
WITH subsidies AS (
    SELECT DISTINCT subsidy_key, demande, accorde, verse, reste_a_percevoir, has_late_instalment
    FROM marts.subsidy_tracking
    WHERE unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit)
      AND period_start < CAST($date_to AS DATE)
      AND period_end >= CAST($date_from AS DATE)
)
SELECT count(*) AS nombre,
       coalesce(sum(demande), 0)::DECIMAL(14,2) AS demande,
       coalesce(sum(accorde), 0)::DECIMAL(14,2) AS accorde,
       coalesce(sum(verse), 0)::DECIMAL(14,2) AS verse,
       coalesce(sum(reste_a_percevoir), 0)::DECIMAL(14,2) AS reste_a_percevoir,
       count(*) FILTER (WHERE has_late_instalment) AS en_retard
FROM subsidies
