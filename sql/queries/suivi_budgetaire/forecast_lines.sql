-- Suivi budgétaire — the forecast lines (app.forecasts) entered for a unit (and its subtree)
-- whose period overlaps the chosen period, to edit them.
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive).
-- Columns: forecast_id, unit_code, unit_name, category_code, category_label, period_start,
--          period_end, amount (the whole line, not spread), label, updated_by, row_version
SELECT f.forecast_id, f.unit_code, t.name AS unit_name, f.category_code, c.label AS category_label,
       f.period_start, f.period_end, f.amount, f.label, f.updated_by, f.row_version
FROM app.forecasts f
JOIN marts.org_tree t USING (unit_code)
JOIN ref.categories c USING (category_code)
WHERE f.unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit)
  AND f.period_start < CAST($date_to AS DATE)
  AND f.period_end >= CAST($date_from AS DATE)
ORDER BY t.sort, c.sort, f.period_start, f.forecast_id
