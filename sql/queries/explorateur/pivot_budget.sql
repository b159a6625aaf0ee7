-- Explorateur — pivot of prévisionnel / engagé / réel (marts.budget_vs_actual) by the dimensions
-- the user chose.
--
-- Parameters:
--   $unit, $date_from (inclusive), $date_to (exclusive)  the page filters, on the month (as
--                        suivi_budgetaire/recap.sql); the unit's whole subtree is counted
--   $row1, $row2, $col   dimension names as in pivot_lignes.sql, without 'statut' and 'source'
--                        (a forecast has neither)
--   $measure             'previsionnel' | 'engage' | 'reel' | 'ecart' (reel − previsionnel) |
--                        'reste' (previsionnel − reel − engage)
--   $categories, $directions   filters: comma-separated codes, '' for all
-- Grain, columns: as pivot_lignes.sql (line_count = number of unit × category × month rows).
-- Réel without the internal flows eliminated at $unit (marts.budget_eliminations: both ends in its
-- subtree), as the Suivi budgétaire counts it (marts.budget_rollup); a row left with nothing is
-- left out.
-- include: explorateur/_units.sql
eliminated AS (
    SELECT line_unit AS unit_code, category_code, month, sum(amount) AS amount
    FROM marts.budget_eliminations
    WHERE unit_code = $unit AND counts_as = 'reel'
    GROUP BY ALL
),
budget AS (
    SELECT b.unit_code, b.category_code, b.direction, b.month, b.previsionnel, b.engage,
           b.reel - coalesce(e.amount, 0) AS reel
    FROM marts.budget_vs_actual AS b
    LEFT JOIN eliminated AS e USING (unit_code, category_code, month)
),
facts AS (
    SELECT b.previsionnel,
           b.engage,
           b.reel,
           MAP {
               'unite': {'key': b.unit_code, 'label': coalesce(u.name, b.unit_code), 'sort': lpad(coalesce(u.sort, 0)::VARCHAR, 8, '0')},
               'groupe': {'key': coalesce(u.groupe_code, ''), 'label': u.groupe_name, 'sort': lpad(coalesce(u.groupe_sort, -1)::VARCHAR, 8, '0')},
               'pole': {'key': coalesce(u.pole_code, ''), 'label': u.pole_name, 'sort': lpad(coalesce(u.pole_sort, -1)::VARCHAR, 8, '0')},
               'projet': {'key': coalesce(u.projet_code, ''), 'label': u.projet_name, 'sort': lpad(coalesce(u.projet_sort, -1)::VARCHAR, 8, '0')},
               'categorie': {'key': b.category_code, 'label': coalesce(c.label, b.category_code), 'sort': lpad(coalesce(c.sort, 0)::VARCHAR, 8, '0')},
               'direction': {'key': b.direction, 'label': b.direction, 'sort': CASE b.direction WHEN 'depense' THEN '0' ELSE '1' END},
               'mois': {'key': strftime(b.month, '%Y-%m'), 'label': strftime(b.month, '%Y-%m'), 'sort': strftime(b.month, '%Y-%m')},
               'trimestre': {'key': year(b.month) || '-T' || quarter(b.month), 'label': year(b.month) || '-T' || quarter(b.month), 'sort': year(b.month) || '-T' || quarter(b.month)},
               'annee': {'key': year(b.month)::VARCHAR, 'label': year(b.month)::VARCHAR, 'sort': year(b.month)::VARCHAR}
           } AS dims
    FROM budget AS b
    LEFT JOIN units AS u USING (unit_code)
    LEFT JOIN ref.categories AS c USING (category_code)
    WHERE b.unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit)
      AND b.month >= date_trunc('month', CAST($date_from AS DATE))
      AND b.month < CAST($date_to AS DATE)
      AND ($categories = '' OR list_contains(string_split($categories, ','), b.category_code))
      AND ($directions = '' OR list_contains(string_split($directions, ','), b.direction))
      AND (b.previsionnel <> 0 OR b.engage <> 0 OR b.reel <> 0)
),
picked AS (
    SELECT previsionnel, engage, reel,
           dims[$row1].key AS r1_key, dims[$row1].label AS r1_label, dims[$row1].sort AS r1_sort,
           dims[$row2].key AS r2_key, dims[$row2].label AS r2_label, dims[$row2].sort AS r2_sort,
           dims[$col].key AS c_key, dims[$col].label AS c_label, dims[$col].sort AS c_sort
    FROM facts
),
cells AS (
    SELECT r1_key, r1_label, r1_sort, r2_key, r2_label, r2_sort, c_key, c_label, c_sort,
           grouping(r1_key) = 1 AS row1_total,
           grouping(r2_key) = 1 AS row2_total,
           grouping(c_key) = 1 AS col_total,
           CASE $measure
               WHEN 'previsionnel' THEN sum(previsionnel)
               WHEN 'engage' THEN sum(engage)
               WHEN 'reel' THEN sum(reel)
               WHEN 'ecart' THEN sum(reel) - sum(previsionnel)
               WHEN 'reste' THEN sum(previsionnel) - sum(reel) - sum(engage)
           END::DECIMAL(14,2) AS value,
           count(*) AS line_count
    FROM picked
    GROUP BY GROUPING SETS (
        (r1_key, r1_label, r1_sort, r2_key, r2_label, r2_sort, c_key, c_label, c_sort),
        (r1_key, r1_label, r1_sort, r2_key, r2_label, r2_sort),
        (r1_key, r1_label, r1_sort, c_key, c_label, c_sort),
        (r1_key, r1_label, r1_sort),
        (c_key, c_label, c_sort),
        ()
    )
)
SELECT *
FROM cells
WHERE NOT ($row2 = '' AND row2_total AND NOT row1_total)
  AND NOT ($col = '' AND NOT col_total)
ORDER BY row1_total, r1_sort, r1_key, row2_total, r2_sort, r2_key, col_total, c_sort, c_key
