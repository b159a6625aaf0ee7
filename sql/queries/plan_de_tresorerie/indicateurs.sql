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
-- The scenario CTEs come from _scenario.sql, shared by plan.sql, indicateurs.sql and lignes.sql.
-- Without what-if, the scenario's months are exactly marts.treasury_plan (tested).
-- include: plan_de_tresorerie/_scenario.sql
shown as (
    select *
    from scenario_plan
    where month >= date_trunc('month', cast($date_from as date))
      and month < cast($date_to as date)
),
last_real as (
    select max(month) as last_real_month,
           arg_max(closing_balance, month) as last_real_closing
    from scenario_plan
    where kind = 'reel'
)
select min(shown.month) as first_month,
       max(shown.month) as last_month,
       arg_min(shown.opening_balance, shown.month)::decimal(14, 2) as opening_balance,
       arg_max(shown.closing_balance, shown.month)::decimal(14, 2) as closing_balance,
       min(shown.closing_balance)::decimal(14, 2) as lowest_closing,
       arg_min(shown.month, (shown.closing_balance, shown.month)) as lowest_month,
       count(*) filter (where shown.below_threshold) as months_below_threshold,
       coalesce(max(shown.threshold), (select max(threshold) from plan))::decimal(14, 2) as threshold,
       any_value(last_real.last_real_month) as last_real_month,
       any_value(last_real.last_real_closing)::decimal(14, 2) as last_real_closing
from shown
right join last_real on true
