-- Explorateur — pivot of the budget lines (marts.budget_lines) by the dimensions the user chose.
--
-- Parameters:
--   $unit, $date_from (inclusive), $date_to (exclusive)  the page filters, on the line's date;
--                        the unit's whole subtree is counted (marts.org_rollup)
--   $row1, $row2, $col   dimension names for the rows (row1 required, row2 '' for none) and the
--                        columns ('' for none): 'unite' | 'groupe' | 'pole' | 'projet' |
--                        'categorie' | 'direction' | 'mois' | 'trimestre' | 'annee' | 'statut' |
--                        'source'
--   $measure             'montant' (sum of amount) | 'nombre' (number of lines) |
--                        'moyenne' (average amount)
--   $categories, $directions, $statuses, $sources   filters: comma-separated codes, '' for all
-- Dimensions: unite = the unit the line is booked on; groupe / pole / projet = the unit's
-- ancestor (or itself) at that level, key '' when the line is booked above that level
-- (e.g. on a groupe for 'pole'); mois / trimestre / annee of line_date.
-- Grain: one row per (row1, row2, col) cell, plus the totals (GROUPING SETS):
--   row1_total / row2_total / col_total true when the row is the total over that dimension.
-- Columns: r1_key, r1_label, r1_sort, r2_key, r2_label, r2_sort, c_key, c_label, c_sort,
--          row1_total, row2_total, col_total, value DECIMAL(14,2), line_count
-- Labels of coded dimensions (direction, mois, statut, source …) are the codes: the page
-- writes them in French. Internal flows eliminated at $unit (both ends in its subtree: `eliminated`
-- in _faits.sql) are left out of every cell, count and total. The `facts` CTEs come from _faits.sql, shared with lignes.sql.
-- include: explorateur/_faits.sql
picked as (
    select amount,
           dims[$row1].key as r1_key, dims[$row1].label as r1_label, dims[$row1].sort as r1_sort,
           dims[$row2].key as r2_key, dims[$row2].label as r2_label, dims[$row2].sort as r2_sort,
           dims[$col].key as c_key, dims[$col].label as c_label, dims[$col].sort as c_sort
    from facts
    where not eliminated
),
cells as (
    select r1_key, r1_label, r1_sort, r2_key, r2_label, r2_sort, c_key, c_label, c_sort,
           grouping(r1_key) = 1 as row1_total,
           grouping(r2_key) = 1 as row2_total,
           grouping(c_key) = 1 as col_total,
           case $measure
               when 'montant' then sum(amount)
               when 'nombre' then count(*)
               when 'moyenne' then round(avg(amount), 2)
           end::decimal(14,2) as value,
           count(*) as line_count
    from picked
    group by grouping sets (
        (r1_key, r1_label, r1_sort, r2_key, r2_label, r2_sort, c_key, c_label, c_sort),
        (r1_key, r1_label, r1_sort, r2_key, r2_label, r2_sort),
        (r1_key, r1_label, r1_sort, c_key, c_label, c_sort),
        (r1_key, r1_label, r1_sort),
        (c_key, c_label, c_sort),
        ()
    )
)
select *
from cells
-- without a second row dimension, the subtotals per row1 repeat the rows: left out;
-- without a column dimension, only the total column is kept
where not ($row2 = '' and row2_total and not row1_total)
  and not ($col = '' and not col_total)
order by row1_total, r1_sort, r1_key, row2_total, r2_sort, r2_key, col_total, c_sort, c_key
