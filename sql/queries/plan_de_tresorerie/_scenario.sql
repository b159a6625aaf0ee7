-- Plan de trésorerie — the what-if scenario shared by plan.sql, kpis.sql and lines.sql, which
-- include it (a line `-- include: plan_de_tresorerie/_scenario.sql`): the CTEs from `plan` to
-- `scenario_plan`, ending with a comma. scenario_lines: marts.treasury_lines with the instalment
-- moved and the one-off added; scenario_plan: the months rebuilt from them.
-- Parameters: the what-if parameters described in plan.sql.
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
           t.subsidy_key,
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
           coalesce('subvention n° ' || moved.subsidy_id, moved.subsidy_key),
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
