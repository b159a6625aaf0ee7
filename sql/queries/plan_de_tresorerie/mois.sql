-- Plan de trésorerie — every month of the plan, for the month choices (detail, what-if) and the
-- « 12 prochains mois » shortcut.
-- Grain: one row per month of marts.treasury_plan.
-- Columns: month DATE (first day), kind ('reel' | 'previsionnel'),
--          is_first_forecast (the as_of month: the first month still partly expected),
--          is_last (the plan's last month)
select month,
       kind,
       month = min(month) filter (where kind = 'previsionnel') over () as is_first_forecast,
       month = max(month) over () as is_last
from marts.treasury_plan
order by month
