-- Suivi budgétaire — month by month, forecast against real, for the chart.
--
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive), $direction ('depense' | 'recette').
-- Grain: one row per month of the period (months without figures give zeros).
-- Columns: month DATE (first day), previsionnel, engage, reel
WITH months AS (
    SELECT CAST(m AS DATE) AS month
    FROM generate_series(
        CAST(date_trunc('month', CAST($date_from AS DATE)) AS TIMESTAMP),
        CAST(CAST($date_to AS DATE) - INTERVAL 1 DAY AS TIMESTAMP),
        INTERVAL 1 MONTH
    ) AS t(m)
),
figures AS (
    SELECT month, sum(previsionnel) AS previsionnel, sum(engage) AS engage, sum(reel) AS reel
    FROM marts.budget_rollup  -- the unit and its subtree, internal flows inside it eliminated
    WHERE unit_code = $unit
      AND month >= date_trunc('month', CAST($date_from AS DATE))
      AND month < CAST($date_to AS DATE)
      AND direction = $direction
    GROUP BY month
)
SELECT months.month,
       coalesce(f.previsionnel, 0)::DECIMAL(14,2) AS previsionnel,
       coalesce(f.engage, 0)::DECIMAL(14,2) AS engage,
       coalesce(f.reel, 0)::DECIMAL(14,2) AS reel
FROM months
LEFT JOIN figures AS f USING (month)
ORDER BY months.month
