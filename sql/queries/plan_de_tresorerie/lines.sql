-- Plan de trésorerie — the movements behind a figure (marts.treasury_lines, with the what-if
-- applied): what a click on a cell of the table lists.
--
-- Parameters: $date_from (inclusive), $date_to (exclusive): the months shown;
--             $month: one month (its first day), or NULL for every month shown;
--             $direction: 'encaissement' | 'decaissement' | '' (both);
--             $category: a category code ('autres', 'simulation' included) or '' (every one);
--             and the what-if parameters below.
-- Grain: one row per movement: the what-if's first, then by month, money in before money out,
--        largest first.
-- Columns: line_key, month, kind ('reel' | 'previsionnel', the month's in the plan), expected_on,
--          source ('banque' | 'facture_ouverte' | 'brouillon' | 'prevision' |
--          'echeance_subvention' | 'simulation'), direction, category_code, category_label
--          (ref.categories; NULL for 'autres' and 'simulation'), unit_code, unit_name, label,
--          partner, reference, amount (positive), signed_amount (négatif pour un décaissement),
--          simulated (added or moved by the what-if)
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
      AND (CAST($month AS DATE) IS NULL OR month = date_trunc('month', CAST($month AS DATE)))
)
SELECT l.line_key,
       l.month,
       shown.kind,
       l.expected_on,
       l.source,
       l.direction,
       l.category_code,
       categories.label AS category_label,
       l.unit_code,
       units.name AS unit_name,
       l.label,
       l.partner,
       l.reference,
       l.amount::DECIMAL(14, 2) AS amount,
       (CASE l.direction WHEN 'decaissement' THEN -l.amount ELSE l.amount END)::DECIMAL(14, 2)
           AS signed_amount,
       l.simulated
FROM scenario_lines AS l
JOIN shown USING (month)
LEFT JOIN ref.categories AS categories ON categories.category_code = l.category_code
LEFT JOIN marts.org_tree AS units ON units.unit_code = l.unit_code
WHERE ($direction = '' OR l.direction = $direction)
  AND ($category = '' OR l.category_code = $category)
ORDER BY l.simulated DESC, l.month, l.direction DESC, l.amount DESC, l.line_key
