-- Organigramme — each role needed by the units under $unit, with its holder(s) today, or vacant.
-- Columns: those of marts.role_chart (one row per unit × role × holder; a vacant role alone)
select chart.*
from marts.role_chart as chart
where chart.unit_code in (select unit_code from marts.org_rollup where ancestor_code = $unit)
order by chart.tree_key, chart.role_sort, chart.since, chart.person_email
