-- Suivi budgétaire — drill-down: the lines behind a category (invoices, proposals, transfers…).
--
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive) — on the line's own date —,
--             $category (a category code; '' for every category).
-- Grain: one row per line of marts.budget_lines, newest first (internal flows between two units
-- of the subtree left out, as in the récap).
-- allocation: 'non_affecte' for the part of an Odoo line no unit holds (on the organisation).
-- Columns: line_key, line_date, unit_code, unit_name, category_code, category_label, direction,
--          label, partner, reference, amount, status, counts_as, source
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
       l.allocation,
       l.dimension
FROM marts.budget_lines AS l
LEFT JOIN marts.org_tree AS t USING (unit_code)
LEFT JOIN ref.categories AS c USING (category_code)
WHERE l.unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit)
  AND l.line_date >= CAST($date_from AS DATE)
  AND l.line_date < CAST($date_to AS DATE)
  AND ($category = '' OR l.category_code = $category)
  -- internal flows with both ends in the subtree are eliminated (marts.budget_eliminations, as
  -- marts.budget_rollup counts them)
  AND l.line_key NOT IN (SELECT line_key FROM marts.budget_eliminations WHERE unit_code = $unit)
ORDER BY l.line_date DESC, l.line_key
