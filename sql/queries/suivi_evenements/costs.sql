-- Suivi évènements — the Odoo costs of one soirée (marts.soiree_costs).
-- Parameters: $event.
-- Columns: line_date, label, partner, reference, unit_code, category_label, amount, status, counts_as
SELECT c.line_date, c.label, c.partner, c.reference, c.unit_code, cat.label AS category_label,
       c.amount, c.status, c.counts_as
FROM marts.soiree_costs AS c
LEFT JOIN ref.categories AS cat USING (category_code)
WHERE c.event_id = $event
ORDER BY c.line_date, c.line_key
