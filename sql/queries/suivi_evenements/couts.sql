-- Suivi évènements — the Odoo costs of one soirée (marts.soiree_costs).
-- Parameters: $event.
-- Columns: line_date, label, partner, reference, unit_code, category_label, amount, status, counts_as
select c.line_date, c.label, c.partner, c.reference, c.unit_code, cat.label as category_label,
       c.amount, c.status, c.counts_as
from marts.soiree_costs as c
left join ref.categories as cat using (category_code)
where c.event_id = $event
order by c.line_date, c.line_key
