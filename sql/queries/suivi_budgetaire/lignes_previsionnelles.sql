-- Suivi budgétaire — the forecast lines (app.forecasts) entered for a unit (and its subtree)
-- whose period overlaps the chosen period, to edit them.
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive).
-- Columns: forecast_id, unit_code, unit_name, category_code, category_label, period_start,
--          period_end, amount (the whole line, not spread), label, updated_by, row_version
select f.forecast_id, f.unit_code, t.name as unit_name, f.category_code, c.label as category_label,
       f.period_start, f.period_end, f.amount, f.label, f.updated_by, f.row_version
from app.forecasts f
join marts.org_tree t using (unit_code)
join ref.categories c using (category_code)
where f.unit_code in (select unit_code from marts.org_rollup where ancestor_code = $unit)
  and f.period_start < cast($date_to as date)
  and f.period_end >= cast($date_from as date)
order by t.sort, c.sort, f.period_start, f.forecast_id
