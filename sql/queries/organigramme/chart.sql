-- Organigramme — each role needed by the units under $unit, with its holder(s) today, or vacant.
-- Columns: those of marts.role_chart (one row per unit × role × holder; a vacant role alone)
SELECT chart.*
FROM marts.role_chart AS chart
WHERE chart.unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit)
ORDER BY chart.tree_key, chart.role_sort, chart.since, chart.person_email
