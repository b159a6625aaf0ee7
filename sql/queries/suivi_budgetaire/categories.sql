-- Suivi budgétaire — the budget categories, for the drill-down choice.
-- Columns: category_code, label, direction ('depense' | 'recette'), sort,
--          is_internal (the categories of internal transfers, [[categories]] fed_by "transfers:…":
--          a transfer is entered as such, never as a forecast)
select category_code, label, direction, sort,
       category_code in (select category_code from ref.category_feeds where feed like 'transfers:%') as is_internal
from ref.categories
order by case direction when 'depense' then 0 else 1 end, sort, category_code
