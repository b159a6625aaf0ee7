-- Organigramme — every assignment on the units under $unit, current, ended and to come
-- (marts.role_history), in tree order then by role and start.
-- Columns: those of marts.role_history
SELECT history.*
FROM marts.role_history AS history
WHERE history.unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit)
ORDER BY history.tree_key, history.role_sort, history.started_on DESC, history.assignment_id
