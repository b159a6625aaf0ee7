-- Suivi budgétaire — drill-down: the lines behind a category (invoices, proposals, transfers…).
--
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive) — on the line's own date —,
--             $category (a category code; '' for every category).
-- Grain: one row per line of marts.budget_lines, newest first (internal flows between two units
-- of the subtree left out, as in the récap).
-- allocation: 'non_affecte' for the part of an Odoo line no unit holds (on the organisation).
-- Columns: line_key, line_date, unit_code, unit_name, category_code, category_label, direction,
--          label, partner, reference, amount, status, counts_as, source
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
       l.allocation,
       l.dimension
from marts.budget_lines as l
left join marts.org_tree as t using (unit_code)
left join ref.categories as c using (category_code)
where l.unit_code in (select unit_code from marts.org_rollup where ancestor_code = $unit)
  and l.line_date >= cast($date_from as date)
  and l.line_date < cast($date_to as date)
  and ($category = '' or l.category_code = $category)
  -- internal flows with both ends in the subtree are eliminated (marts.budget_eliminations, as
  -- marts.budget_rollup counts them)
  and l.line_key not in (select line_key from marts.budget_eliminations where unit_code = $unit)
order by l.line_date desc, l.line_key
