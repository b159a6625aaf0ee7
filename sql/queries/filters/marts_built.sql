-- Are these marts built? A warehouse before its first « alambic build », or built before these
-- marts existed, lacks them: the page then says so instead of failing. The one « marts ready »
-- check of every page (dashboards.components.marts_ready).
-- Parameters: $marts (the mart names, comma-separated: 'people,people_conflicts')
-- Columns: ready BOOLEAN
select count(distinct table_name) = len(string_split($marts, ',')) as ready
from information_schema.tables
where table_schema = 'marts'
  and list_contains(string_split($marts, ','), table_name)
