-- Internal transfers move budget, not cash: no treasury line may come from one, nor from an
-- internal category (a category with no general account, e.g. depenses_internes).
select line_key, source, category_code, reference
from marts.treasury_lines
where reference like 'transfert n° %'
   or category_code in (
        select category_code from ref.categories
        where category_code not in (select category_code from ref.category_accounts)
   )
