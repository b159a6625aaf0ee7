-- ledger_reconciliation — La Raffinerie's « réel » against its books, month by month.
--
-- Grain: one row per (month, direction) with any amount: 'depense' (charges, class 6) and
-- 'recette' (produits, class 7).
-- Columns:
--   month           first day of the month
--   direction       'depense' | 'recette'
--   ledger          the books: posted items of classes 6/7 (marts.ledger_pnl), in the budget
--                   category's direction where the account has one, else its class's
--   analytique      the part counted on units (tree plan, or another plan mapped to a unit)
--   non_affecte     the part no unit holds, shown on the organisation
--   hors_categories items of classes 6/7 on accounts of no budget category (in the books,
--                   never in the budget pages; configure a category to see them)
--   sans_ecriture   analytic amounts in the budget with no class 6/7 posted item (analytic
--                   lines entered directly in analytic accounting, or categorised accounts
--                   outside classes 6/7)
--   interne         internal transfers and soirée dispatches (dépenses / recettes internes)
--   elimine         the internal flows eliminated at the organisation's level (both ends in it)
--   reel_budget     the organisation's « réel » on the Suivi budgétaire (marts.budget_rollup)
--   ecart           reel_budget − ledger
-- Amounts DECIMAL(14,2), positive in the direction, posted items only.
-- Identities (sql/tests/ledger_reconciliation_adds_up.sql):
--   ledger      = analytique + non_affecte + hors_categories
--   reel_budget = analytique + non_affecte + sans_ecriture + interne − elimine
-- so with every class 6/7 account in a category and no stand-alone analytic line, the
-- organisation's réel IS the ledger (ecart = 0).
with root as (
    select unit_code from ref.units where parent_code is null
),

categorised_accounts as (
    select accounts.account_id, categories.direction
    from staging.stg_odoo__accounts as accounts
    join ref.category_accounts as prefixes
        on starts_with(accounts.account_code, prefixes.account_prefix)
    join ref.categories as categories using (category_code)
    qualify row_number() over (partition by accounts.account_id
                               order by length(prefixes.account_prefix) desc) = 1
),

ledger_items as (
    select lines.move_line_id
    from staging.stg_odoo__account_move_lines as lines
    join staging.stg_odoo__accounts as accounts on accounts.account_id = lines.account_id
    where lines.parent_state = 'posted'
      and left(accounts.account_code, 1) in ('6', '7')
),

allocations as (
    select
        date_trunc('month', allocation.line_date)::date as month,
        coalesce(categorised.direction,
                 case left(accounts.account_code, 1) when '6' then 'depense' else 'recette' end) as direction,
        allocation.allocation,
        categorised.account_id is not null as is_categorised,
        allocation.move_line_id in (select move_line_id from ledger_items) as in_ledger,
        allocation.amount * case when coalesce(categorised.direction,
                 case left(accounts.account_code, 1) when '6' then 'depense' else 'recette' end) = 'depense'
            then -1 else 1 end as amount
    from marts.ledger_allocation as allocation
    join staging.stg_odoo__accounts as accounts
        on accounts.account_id = allocation.general_account_id
    left join categorised_accounts as categorised
        on categorised.account_id = allocation.general_account_id
    where allocation.state = 'posted'
      and (categorised.account_id is not null or left(accounts.account_code, 1) in ('6', '7'))
),

-- the books, straight from the journal items (not through the allocation)
ledger as (
    select
        date_trunc('month', lines.line_date)::date as month,
        coalesce(categorised.direction,
                 case left(accounts.account_code, 1) when '6' then 'depense' else 'recette' end) as direction,
        sum(case when coalesce(categorised.direction,
                 case left(accounts.account_code, 1) when '6' then 'depense' else 'recette' end) = 'depense'
                 then lines.balance else -lines.balance end) as ledger
    from staging.stg_odoo__account_move_lines as lines
    join staging.stg_odoo__accounts as accounts on accounts.account_id = lines.account_id
    left join categorised_accounts as categorised on categorised.account_id = lines.account_id
    where lines.parent_state = 'posted'
      and left(accounts.account_code, 1) in ('6', '7')
    group by all
),

internal as (
    select month, direction, sum(amount) as interne
    from marts.budget_lines
    where allocation = 'interne' and counts_as = 'reel'
    group by all
),

root_figures as (
    select month, direction, sum(reel) as reel_budget, sum(elimine) as elimine
    from marts.budget_rollup
    where unit_code = (select unit_code from root)
    group by all
),

parts as (
    select
        month, direction,
        sum(amount) filter (where in_ledger and is_categorised and allocation in ('arbre', 'autre_plan')) as analytique,
        sum(amount) filter (where in_ledger and is_categorised and allocation = 'non_affecte')          as non_affecte,
        sum(amount) filter (where in_ledger and not is_categorised)                                     as hors_categories,
        sum(amount) filter (where not in_ledger and is_categorised)                                     as sans_ecriture
    from allocations
    group by all
),

months as (
    select month, direction from ledger
    union select month, direction from parts
    union select month, direction from internal
    union select month, direction from root_figures
)

select
    months.month,
    months.direction,
    coalesce(ledger.ledger, 0)::decimal(14, 2)            as ledger,
    coalesce(parts.analytique, 0)::decimal(14, 2)         as analytique,
    coalesce(parts.non_affecte, 0)::decimal(14, 2)        as non_affecte,
    coalesce(parts.hors_categories, 0)::decimal(14, 2)    as hors_categories,
    coalesce(parts.sans_ecriture, 0)::decimal(14, 2)      as sans_ecriture,
    coalesce(internal.interne, 0)::decimal(14, 2)         as interne,
    coalesce(root_figures.elimine, 0)::decimal(14, 2)     as elimine,
    coalesce(root_figures.reel_budget, 0)::decimal(14, 2) as reel_budget,
    (coalesce(root_figures.reel_budget, 0) - coalesce(ledger.ledger, 0))::decimal(14, 2) as ecart
from months
left join ledger using (month, direction)
left join parts using (month, direction)
left join internal using (month, direction)
left join root_figures using (month, direction)
where coalesce(ledger.ledger, 0) <> 0 or coalesce(parts.analytique, 0) <> 0
   or coalesce(parts.non_affecte, 0) <> 0 or coalesce(parts.hors_categories, 0) <> 0
   or coalesce(parts.sans_ecriture, 0) <> 0 or coalesce(internal.interne, 0) <> 0
   or coalesce(root_figures.reel_budget, 0) <> 0
order by months.month, months.direction
