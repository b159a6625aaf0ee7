-- Plan de trésorerie — the monthly table: solde début, encaissements and décaissements by
-- category, their totals, the month's variation and solde fin, for the months of the period,
-- with the what-if applied.
--
-- Parameters: $date_from (inclusive), $date_to (exclusive): the months shown; the what-if
--             parameters below.
-- Grain: one row per table row × month shown, plus one row per table row with month NULL: the
--        « Total » column (solde début: the first month's opening; solde fin: the last month's
--        closing; every other row: the sum over the months shown).
-- Columns:
--   row_key          'solde_debut' | 'enc:<category>' | 'total_encaissements' | 'dec:<category>' |
--                    'total_decaissements' | 'variation' | 'solde_fin'
--   section          'solde_debut' | 'encaissement' | 'total_encaissements' | 'decaissement' |
--                    'total_decaissements' | 'variation' | 'solde_fin'
--   category_code    category rows: a code of ref.categories, 'autres' (bank movements of unknown
--                    category) or 'simulation' (the what-if's one-off movement); NULL otherwise
--   category_label   its label in ref.categories (NULL for 'autres' and 'simulation')
--   row_sort         the order of the rows: solde début, total encaissements then its categories,
--                    total décaissements then its categories, variation, solde fin
--   month            first day of the month; NULL for the « Total » column
--   kind             'reel' | 'previsionnel' (marts.treasury_plan's); NULL for the total column
--   amount           DECIMAL(14,2); variation = encaissements − décaissements
--   below_threshold  solde_fin rows: the closing balance is below the alert threshold
--   threshold        the alert threshold
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
shown_lines AS (
    SELECT * FROM scenario_lines WHERE month IN (SELECT month FROM shown)
),
categories_shown AS (
    SELECT DISTINCT direction, category_code FROM shown_lines
),
category_cells AS (
    SELECT c.direction,
           c.category_code,
           shown.month,
           shown.kind,
           coalesce(sum(l.amount), 0)::DECIMAL(14, 2) AS amount
    FROM categories_shown AS c
    CROSS JOIN shown
    LEFT JOIN shown_lines AS l
        ON l.direction = c.direction AND l.category_code = c.category_code AND l.month = shown.month
    GROUP BY ALL
),
cells AS (
    SELECT 'solde_debut' AS row_key, 'solde_debut' AS section, NULL AS category_code, 0 AS row_sort,
           month, kind, opening_balance AS amount, NULL::BOOLEAN AS below_threshold
    FROM shown
    UNION ALL
    SELECT CASE c.direction WHEN 'encaissement' THEN 'enc:' ELSE 'dec:' END || c.category_code,
           c.direction,
           c.category_code,
           CASE c.direction WHEN 'encaissement' THEN 101 ELSE 201 END
               + coalesce(categories.sort, CASE c.category_code WHEN 'autres' THEN 80 ELSE 90 END),
           c.month, c.kind, c.amount, NULL
    FROM category_cells AS c
    LEFT JOIN ref.categories AS categories USING (category_code)
    UNION ALL
    SELECT 'total_encaissements', 'total_encaissements', NULL, 100, month, kind, encaissements, NULL
    FROM shown
    UNION ALL
    SELECT 'total_decaissements', 'total_decaissements', NULL, 200, month, kind, decaissements, NULL
    FROM shown
    UNION ALL
    SELECT 'variation', 'variation', NULL, 300, month, kind,
           (encaissements - decaissements)::DECIMAL(14, 2), NULL
    FROM shown
    UNION ALL
    SELECT 'solde_fin', 'solde_fin', NULL, 400, month, kind, closing_balance, below_threshold
    FROM shown
),
total_column AS (
    SELECT row_key, section, category_code, row_sort, NULL::DATE AS month, NULL AS kind,
           CASE section
               WHEN 'solde_debut' THEN arg_min(amount, month)
               WHEN 'solde_fin' THEN arg_max(amount, month)
               ELSE sum(amount)
           END::DECIMAL(14, 2) AS amount,
           CASE section WHEN 'solde_fin' THEN arg_max(below_threshold, month) END AS below_threshold
    FROM cells
    GROUP BY row_key, section, category_code, row_sort
),
all_cells AS (
    SELECT * FROM cells
    UNION ALL
    SELECT * FROM total_column
)
SELECT all_cells.row_key,
       all_cells.section,
       all_cells.category_code,
       categories.label AS category_label,
       all_cells.row_sort,
       all_cells.month,
       all_cells.kind,
       all_cells.amount,
       all_cells.below_threshold,
       (SELECT max(threshold) FROM shown)::DECIMAL(14, 2) AS threshold
FROM all_cells
LEFT JOIN ref.categories AS categories USING (category_code)
ORDER BY all_cells.row_sort, all_cells.row_key, all_cells.month NULLS LAST
