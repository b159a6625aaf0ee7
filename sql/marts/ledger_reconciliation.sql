-- ledger_reconciliation — le « réel » de La Raffinerie face à sa comptabilité, mois par mois.
--
-- Grain: une ligne par (mois, sens) ayant un montant : 'depense' (charges, classe 6) et
-- 'recette' (produits, classe 7).
-- Columns:
--   month           premier jour du mois
--   direction       'depense' | 'recette'
--   ledger          la comptabilité : lignes comptabilisées des classes 6/7 (marts.ledger_pnl), dans
--                   le sens de la catégorie budgétaire quand le compte en a une, sinon de sa classe
--   analytique      la part comptée sur des unités (plan de l'arbre, ou autre plan rattaché à une unité)
--   non_affecte     la part qu'aucune unité ne porte, montrée sur l'organisation
--   hors_categories lignes des classes 6/7 sur des comptes d'aucune catégorie budgétaire (en
--                   comptabilité, jamais dans les pages budgétaires ; configurer une catégorie pour
--                   les voir)
--   sans_ecriture   montants analytiques du budget sans ligne comptabilisée de classe 6/7 (lignes
--                   analytiques saisies directement en comptabilité analytique, ou comptes
--                   catégorisés hors classes 6/7)
--   interne         transferts internes et répartitions de soirée (dépenses / recettes internes)
--   elimine         les flux internes éliminés au niveau de l'organisation (les deux bouts en elle)
--   reel_budget     le « réel » de l'organisation dans le Suivi budgétaire (marts.budget_rollup)
--   ecart           reel_budget − ledger
-- Montants en DECIMAL(14,2), positifs dans le sens, lignes comptabilisées seulement.
-- Identités (sql/tests/ledger_reconciliation_adds_up.sql) :
--   ledger      = analytique + non_affecte + hors_categories
--   reel_budget = analytique + non_affecte + sans_ecriture + interne − elimine
-- donc, avec chaque compte de classe 6/7 dans une catégorie et aucune ligne analytique isolée, le
-- réel de l'organisation EST la comptabilité (ecart = 0).
with root as (
    select unit_code from ref.units where parent_code is null
),

categorised_accounts as (  -- the longest matching prefix: marts.account_categories
    select account_id, direction from marts.account_categories
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
