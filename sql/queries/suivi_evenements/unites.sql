-- Suivi évènements — the units a soirée can be booked on (everything but La Raffinerie itself),
-- in the tree's order, and the pôles its takings can be dispatched to.
-- Columns: unit_code, name, level, label (« Name (code) »), is_pole
select unit_code, name, level, name || ' (' || unit_code || ')' as label, level = 'pole' as is_pole
from marts.org_tree
where level <> 'organisation'
order by sort, path
