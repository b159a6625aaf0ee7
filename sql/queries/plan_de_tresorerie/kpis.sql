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
-- The scenario CTEs below are the same in plan.sql, kpis.sql and lines.sql: change them together.
-- Without what-if, the scenario's months are exactly marts.treasury_plan (tested).
WITH plan AS (
    SELECT * FROM marts.treasury_plan
),
horizon AS (
    SELECT min(month) AS first_month,
           max(month) AS last_month,
           coalesce(min(month) FILTER (WHERE kind = 'previsionnel'), max(month)) AS first_forecast_month
    FROM plan
),
plan_opening AS (
    -- the balance before the plan's first month
    SELECT opening_balance FROM plan ORDER BY month LIMIT 1
),
moved AS (
    -- the instalment the what-if moves, out of its month and into the chosen one
    SELECT t.instalment_id,
           t.subsidy_id,
           t.kind,
           t.funder,
           t.scheme,
           t.unit_code,
           t.amount,
           greatest(date_trunc('month', CAST($moved_to AS DATE)), horizon.first_forecast_month)::DATE
               AS to_month
    FROM marts.subsidy_instalments_timeline AS t
    CROSS JOIN horizon
    WHERE t.instalment_id = CAST($moved_instalment AS BIGINT)
      AND t.received_on IS NULL
      AND CAST($moved_to AS DATE) IS NOT NULL
),
oneoff AS (
    SELECT greatest(date_trunc('month', CAST($oneoff_month AS DATE)), horizon.first_forecast_month)::DATE
               AS month,
           CAST($oneoff_amount AS DECIMAL(14, 2)) AS amount
    FROM horizon
    WHERE CAST($oneoff_amount AS DECIMAL(14, 2)) > 0
      AND CAST($oneoff_month AS DATE) IS NOT NULL
      AND $oneoff_direction IN ('encaissement', 'decaissement')
),
scenario_lines AS (
    SELECT line_key, source, month, expected_on, direction, category_code, unit_code, label,
           partner, reference, amount, false AS simulated
    FROM marts.treasury_lines
    WHERE line_key NOT IN (SELECT 'subvention:' || instalment_id FROM moved)
    UNION ALL
    SELECT 'simulation:subvention:' || moved.instalment_id,
           'echeance_subvention',
           moved.to_month,
           moved.to_month,
           'encaissement',
           'subventions',
           moved.unit_code,
           moved.kind || ' ' || moved.funder || coalesce(' – ' || nullif(moved.scheme, ''), ''),
           moved.funder,
           'subvention n° ' || moved.subsidy_id,
           moved.amount,
           true
    FROM moved
    CROSS JOIN horizon
    WHERE moved.to_month <= horizon.last_month
    UNION ALL
    SELECT 'simulation:ponctuel',
           'simulation',
           oneoff.month,
           oneoff.month,
           $oneoff_direction,
           'simulation',
           NULL,
           $oneoff_label,
           NULL,
           NULL,
           oneoff.amount,
           true
    FROM oneoff
    CROSS JOIN horizon
    WHERE oneoff.month <= horizon.last_month
),
monthly AS (
    SELECT plan.month,
           plan.kind,
           plan.threshold,
           coalesce(sum(l.amount) FILTER (WHERE l.direction = 'encaissement'), 0)::DECIMAL(14, 2)
               AS encaissements,
           coalesce(sum(l.amount) FILTER (WHERE l.direction = 'decaissement'), 0)::DECIMAL(14, 2)
               AS decaissements
    FROM plan
    LEFT JOIN scenario_lines AS l USING (month)
    GROUP BY plan.month, plan.kind, plan.threshold
),
balances AS (
    -- each month closes on the plan's opening plus every month's net so far, and opens on the
    -- previous month's close
    SELECT monthly.*,
           (plan_opening.opening_balance
            + sum(encaissements - decaissements) OVER (ORDER BY month
                                                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
           )::DECIMAL(14, 2) AS closing_balance
    FROM monthly
    CROSS JOIN plan_opening
),
scenario_plan AS (
    SELECT month,
           kind,
           (closing_balance - encaissements + decaissements)::DECIMAL(14, 2) AS opening_balance,
           encaissements,
           decaissements,
           closing_balance,
           threshold,
           closing_balance < threshold AS below_threshold
    FROM balances
),
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
