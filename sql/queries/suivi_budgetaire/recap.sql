-- Suivi budgétaire — récap by budget category, for one direction (dépenses or recettes).
--
-- Parameters: $unit (unit code; its whole subtree is counted, through marts.org_rollup),
--             $date_from (first day, inclusive), $date_to (day after the last one, exclusive),
--             $direction ('depense' | 'recette').
-- Grain: one row per category of that direction (every category, even without figures),
--        then one total row (is_total = true).
-- Columns:
--   category_code, label, sort, is_total
--   previsionnel   forecast
--   engage         committed, not yet real (à valider, à facturer, à payer, à encaisser)
--   reel           real: dépensé for expenses, encaissé for income
--   reste          reste à dépenser = previsionnel - reel - engage (expenses)
--                  reste à encaisser = previsionnel - reel (income)
--   pct_consomme   marts.pct_consomme: (reel + engage) / previsionnel, as a ratio (0.125 = 12,5 %);
--                  NULL without forecast
--   depassement    marts.depassement: a dépense category spent or committed beyond its forecast
--                  (never for a recette)
--   montant_depassement  marts.montant_depassement: by how much (0 without overrun)
--   alerte         'depassement' | 'hors_previsionnel' (an overrun without any forecast) | NULL
WITH figures AS (
    SELECT category_code,
           sum(previsionnel) AS previsionnel,
           sum(engage) AS engage,
           sum(reel) AS reel
    FROM marts.budget_rollup  -- the unit and its subtree, internal flows inside it eliminated
    WHERE unit_code = $unit
      AND month >= date_trunc('month', CAST($date_from AS DATE))
      AND month < CAST($date_to AS DATE)
      AND direction = $direction
    GROUP BY category_code
),
per_category AS (
    SELECT c.category_code,
           c.label,
           c.sort,
           false AS is_total,
           coalesce(f.previsionnel, 0)::DECIMAL(14,2) AS previsionnel,
           coalesce(f.engage, 0)::DECIMAL(14,2) AS engage,
           coalesce(f.reel, 0)::DECIMAL(14,2) AS reel
    FROM ref.categories AS c
    LEFT JOIN figures AS f USING (category_code)
    WHERE c.direction = $direction
),
with_total AS (
    SELECT * FROM per_category
    UNION ALL
    SELECT NULL, 'Total', 1000000, true, sum(previsionnel), sum(engage), sum(reel)
    FROM per_category
)
SELECT category_code,
       label,
       sort,
       is_total,
       previsionnel,
       engage,
       reel,
       CASE WHEN $direction = 'depense' THEN previsionnel - reel - engage
            ELSE previsionnel - reel END AS reste,
       marts.pct_consomme(reel, engage, previsionnel) AS pct_consomme,
       marts.depassement($direction, reel, engage, previsionnel) AS depassement,
       marts.montant_depassement($direction, reel, engage, previsionnel) AS montant_depassement,
       CASE WHEN NOT marts.depassement($direction, reel, engage, previsionnel) THEN NULL
            WHEN previsionnel = 0 THEN 'hors_previsionnel'
            ELSE 'depassement' END AS alerte
FROM with_total
ORDER BY is_total, sort, category_code
