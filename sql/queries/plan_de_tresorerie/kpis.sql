-- Plan de trésorerie — the KPI cards, for the months of the period, with the what-if applied.
--
-- Parameters: $date_from (inclusive), $date_to (exclusive): the months shown; the what-if
--             parameters below.
-- Grain: one row.
-- Columns:
--   first_month, last_month   the first and last month shown (NULL: no month of the plan shown)
--   opening_balance           solde début of the first month shown
--   closing_balance           solde fin of the last month shown
--   lowest_closing            the lowest solde fin among the months shown, and lowest_month its
--                             month (the first one on a tie)
--   months_below_threshold    how many months shown close below the threshold
--   threshold                 the alert threshold
--   last_real_month, last_real_closing   the plan's last actual month (bank movements only)
--                             and its closing balance, whatever the period
--
-- What-if parameters (nothing is saved: the simulation lives in these parameters only):
--   $moved_instalment  an awaited instalment (instalment_id) to move; NULL: none
--   $moved_to          the month it is moved to (never before the as_of month); NULL: none
--   $oneoff_amount     a one-off movement, positive; NULL or 0: none
--   $oneoff_month      its month (never before the as_of month)
--   $oneoff_direction  'encaissement' | 'decaissement'
--   $oneoff_label      its label
-- The scenario CTEs come from _scenario.sql, shared by plan.sql, kpis.sql and lines.sql.
-- Without what-if, the scenario's months are exactly marts.treasury_plan (tested).
-- include: plan_de_tresorerie/_scenario.sql
shown AS (
    SELECT *
    FROM scenario_plan
    WHERE month >= date_trunc('month', CAST($date_from AS DATE))
      AND month < CAST($date_to AS DATE)
),
last_real AS (
    SELECT max(month) AS last_real_month,
           arg_max(closing_balance, month) AS last_real_closing
    FROM scenario_plan
    WHERE kind = 'reel'
)
SELECT min(shown.month) AS first_month,
       max(shown.month) AS last_month,
       arg_min(shown.opening_balance, shown.month)::DECIMAL(14, 2) AS opening_balance,
       arg_max(shown.closing_balance, shown.month)::DECIMAL(14, 2) AS closing_balance,
       min(shown.closing_balance)::DECIMAL(14, 2) AS lowest_closing,
       arg_min(shown.month, (shown.closing_balance, shown.month)) AS lowest_month,
       count(*) FILTER (WHERE shown.below_threshold) AS months_below_threshold,
       coalesce(max(shown.threshold), (SELECT max(threshold) FROM plan))::DECIMAL(14, 2) AS threshold,
       any_value(last_real.last_real_month) AS last_real_month,
       any_value(last_real.last_real_closing)::DECIMAL(14, 2) AS last_real_closing
FROM shown
RIGHT JOIN last_real ON true
