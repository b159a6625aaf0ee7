-- Explorateur — the lines behind one cell (or total) of the pivot of pivot_lignes.sql or
-- pivot_budget.sql: the budget lines (marts.budget_lines) of the cell's dimension values.
--
-- Parameters: as pivot_lignes.sql ($unit, $date_from, $date_to, $row1, $row2, $col, $categories,
--             $directions, $statuses, $sources), plus the clicked cell's keys:
--             $row1_value, $row2_value, $col_value — NULL for a total over that dimension.
-- Grain: one row per budget line, newest first.
-- Columns: line_key, line_date, unit_code, unit_name, category_code, category_label, direction,
--          label, partner, reference, amount, status, counts_as, source,
--          eliminated (an internal flow eliminated at $unit: listed, but not counted in the pivot)
-- The `facts` CTEs come from _facts.sql, shared with pivot_lignes.sql.
-- include: explorateur/_facts.sql
picked AS (
    SELECT line_key, eliminated
    FROM facts
    WHERE ($row1 = '' OR $row1_value IS NULL OR dims[$row1].key = $row1_value)
      AND ($row2 = '' OR $row2_value IS NULL OR dims[$row2].key = $row2_value)
      AND ($col = '' OR $col_value IS NULL OR dims[$col].key = $col_value)
)
SELECT l.line_key,
       l.line_date,
       l.unit_code,
       t.name AS unit_name,
       l.category_code,
       c.label AS category_label,
       l.direction,
       l.label,
       l.partner,
       l.reference,
       l.amount,
       l.status,
       l.counts_as,
       l.source,
       picked.eliminated
FROM picked
JOIN marts.budget_lines AS l USING (line_key)
LEFT JOIN marts.org_tree AS t ON t.unit_code = l.unit_code
LEFT JOIN ref.categories AS c ON c.category_code = l.category_code
ORDER BY l.line_date DESC, l.line_key
