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
-- The scenario CTEs come from _scenario.sql, shared by plan.sql, kpis.sql and lines.sql.
-- Without what-if, the scenario's months are exactly marts.treasury_plan (tested).
-- include: plan_de_tresorerie/_scenario.sql
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
