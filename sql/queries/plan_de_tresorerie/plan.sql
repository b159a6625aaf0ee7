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
-- The scenario CTEs come from _scenario.sql, shared by plan.sql, kpis.sql and lines.sql.
-- Without what-if, the scenario's months are exactly marts.treasury_plan (tested).
-- include: plan_de_tresorerie/_scenario.sql
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
