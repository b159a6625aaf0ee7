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
-- The `facts` CTEs come from _faits.sql, shared with pivot_lignes.sql.
-- include: explorateur/_faits.sql
picked as (
    select line_key, eliminated
    from facts
    where ($row1 = '' or $row1_value is null or dims[$row1].key = $row1_value)
      and ($row2 = '' or $row2_value is null or dims[$row2].key = $row2_value)
      and ($col = '' or $col_value is null or dims[$col].key = $col_value)
)
select l.line_key,
       l.line_date,
       l.unit_code,
       t.name as unit_name,
       l.category_code,
       c.label as category_label,
       l.direction,
       l.label,
       l.partner,
       l.reference,
       l.amount,
       l.status,
       l.counts_as,
       l.source,
       picked.eliminated
from picked
join marts.budget_lines as l using (line_key)
left join marts.org_tree as t on t.unit_code = l.unit_code
left join ref.categories as c on c.category_code = l.category_code
order by l.line_date desc, l.line_key
