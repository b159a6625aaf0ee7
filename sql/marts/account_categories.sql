-- account_categories — la catégorie budgétaire de chaque compte général d'Odoo : celle dont un
-- préfixe de comptes (`[[categories]] accounts` de la configuration, ref.category_accounts) commence
-- le numéro du compte ; quand plusieurs préfixes conviennent, le plus long l'emporte (625 avant 62).
-- La seule place où cette règle est écrite : budget_lines, treasury_lines et ledger_reconciliation
-- la lisent ici.
--
-- Grain: une ligne par compte général d'Odoo qu'un préfixe de catégorie couvre (un compte qu'aucun
-- préfixe ne couvre n'a pas de ligne : il n'entre dans aucune catégorie).
-- Columns:
--   account_id      le compte (account.account)
--   account_code    son numéro
--   category_code   sa catégorie budgétaire (ref.categories)
--   direction       depense | recette, le sens de la catégorie
--   account_prefix  le préfixe qui l'y range
select
    accounts.account_id,
    accounts.account_code,
    prefixes.category_code,
    categories.direction,
    prefixes.account_prefix
from staging.stg_odoo__accounts as accounts
join ref.category_accounts as prefixes
    on starts_with(accounts.account_code, prefixes.account_prefix)
join ref.categories as categories using (category_code)
qualify row_number() over (
    partition by accounts.account_id
    order by length(prefixes.account_prefix) desc, prefixes.category_code
) = 1
