-- Organigramme — every assignment on the units under $unit, current, ended and to come
-- (marts.role_history), in tree order then by role and start.
-- Columns: those of marts.role_history
select history.*
from marts.role_history as history
where history.unit_code in (select unit_code from marts.org_rollup where ancestor_code = $unit)
order by history.tree_key, history.role_sort, history.started_on desc, history.assignment_id
