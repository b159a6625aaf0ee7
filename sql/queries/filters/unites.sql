-- Units offered by the « Unité » filter: La Raffinerie, its groupes, pôles and projets, in the
-- order of the organisation tree. Actions are left out: too fine for a page filter.
-- Columns: unit_code, name, level, depth, label
select unit_code, name, level, depth, label
from marts.org_tree
where level in ('organisation', 'groupe', 'pole', 'projet')
order by sort, path
