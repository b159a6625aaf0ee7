-- Explorateur — the values offered by the filter lists: budget categories, directions, statuses
-- and sources, in display order. Labels of coded values are the codes: the page writes them in
-- French.
-- Columns: dimension ('categorie' | 'direction' | 'statut' | 'source'), key, label, sort
select 'categorie' as dimension, category_code as key, label, lpad(sort::varchar, 8, '0') as sort
from ref.categories
union all
select 'direction', direction, direction, case direction when 'depense' then '0' else '1' end
from (select distinct direction from ref.categories)
union all
select distinct 'statut', status, status, status from marts.budget_lines
union all
select distinct 'source', source, source, source from marts.budget_lines
order by dimension, sort, key
