-- Suivi volontariat — month by month, for the chart.
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive).
-- Grain: one row per month of the period (months without volunteering give zeros).
-- Columns: month DATE (first day), hours_validated, hours_pending, valuation
WITH months AS (
    SELECT CAST(m AS DATE) AS month
    FROM generate_series(
        CAST(date_trunc('month', CAST($date_from AS DATE)) AS TIMESTAMP),
        CAST(CAST($date_to AS DATE) - INTERVAL 1 DAY AS TIMESTAMP),
        INTERVAL 1 MONTH
    ) AS t(m)
),
-- include: suivi_volontariat/_shown.sql
, figures AS (
    SELECT month, sum(hours_validated) AS hours_validated, sum(hours_pending) AS hours_pending,
           sum(valuation) AS valuation
    FROM shown
    GROUP BY month
)
SELECT months.month,
       coalesce(f.hours_validated, 0)::DECIMAL(12, 2) AS hours_validated,
       coalesce(f.hours_pending, 0)::DECIMAL(12, 2)   AS hours_pending,
       coalesce(f.valuation, 0)::DECIMAL(14, 2)       AS valuation
FROM months
LEFT JOIN figures AS f USING (month)
ORDER BY months.month
