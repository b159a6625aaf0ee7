-- Units offered by the « Unité » filter: La Raffinerie, its groupes, pôles and projets, in the
-- order of the organisation tree. Actions are left out: too fine for a page filter.
-- Columns: unit_code, name, level, depth, label
SELECT unit_code, name, level, depth, label
FROM marts.org_tree
WHERE level IN ('organisation', 'groupe', 'pole', 'projet')
ORDER BY sort, path
