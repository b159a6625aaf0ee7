-- Suivi subventions — the exercices (financial years) that hold a subsidy, for the « Exercice »
-- choice; the exercice of the build's date (as_of) is always offered.
-- Grain: one row per exercice, newest first.
-- Columns: exercice (the year it starts in), exercice_label ('2025' or '2025-2026'),
--          period_text (how the period filter writes it: '2025', or 'EX2025' when the exercice
--          does not start in January)
WITH settings AS (
    SELECT max(CASE WHEN key = 'as_of' THEN CAST(value AS DATE) END) AS as_of,
           coalesce(max(CASE WHEN key = 'fiscal_year_start_month' THEN CAST(value AS INTEGER) END), 1)
               AS start_month
    FROM ref.settings
),
years AS (
    SELECT DISTINCT exercice FROM marts.subsidy_tracking
    UNION
    SELECT year(as_of) - CAST(month(as_of) < start_month AS INTEGER) FROM settings WHERE as_of IS NOT NULL
)
SELECT years.exercice,
       CASE WHEN settings.start_month = 1 THEN CAST(years.exercice AS VARCHAR)
            ELSE years.exercice || '-' || (years.exercice + 1) END AS exercice_label,
       CASE WHEN settings.start_month = 1 THEN CAST(years.exercice AS VARCHAR)
            ELSE 'EX' || years.exercice END AS period_text
FROM years
CROSS JOIN settings
ORDER BY years.exercice DESC
