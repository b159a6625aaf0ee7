-- ledger_allocation — où compte chaque euro de la comptabilité dans l'arbre de l'organisation : une fois.
--
-- Grain: une ligne par (ligne source, endroit où elle compte) : le compte analytique d'une unité,
-- ou le reste « non affecté » de la ligne. Une ligne source est une ligne d'écriture (comptabilisée
-- ou brouillon) — ou, rarement, une ligne analytique saisie directement en comptabilité
-- analytique, sans ligne d'écriture.
-- Columns:
--   source_key          'aml:<ligne d'écriture>' ou 'aal:<ligne analytique>' (sans ligne d'écriture)
--   move_line_id        la ligne d'écriture (NULL pour une ligne analytique qui n'en a pas)
--   analytic_line_id    la ligne analytique Odoo d'où vient le montant (lignes comptabilisées ;
--                       NULL pour les brouillons, qui n'ont pas encore de ligne analytique, et
--                       pour les lignes non affectées)
--   analytic_account_id le compte analytique (NULL pour le non affecté)
--   unit_code           son unité (NULL pour le non affecté : l'organisation le montre)
--   allocation          'arbre' (un compte du plan de l'arbre), 'autre_plan' (un compte d'un autre
--                       plan rattaché à une unité), 'non_affecte' (ce qu'aucune unité ne porte)
--   state               'posted' (comptabilisée) | 'draft' (brouillon)
--   line_date, general_account_id   date de la ligne et son compte général
--   line_total          le montant de la ligne source, au signe d'Odoo (−balance : recette +,
--                       dépense −)
--   odoo_amount         ce qu'Odoo met sur le compte (montant de la ligne analytique, ou
--                       −balance × pct / 100 pour un brouillon)
--   amount              ce qui compte ici, au signe d'Odoo ; sur une ligne source les montants
--                       s'additionnent exactement à line_total (lignes des classes 6/7 ou d'une
--                       catégorie budgétaire ; les autres seulement là où une unité les porte)
--   dimension           les comptes de la ligne dans les plans montrés en seconde dimension
--                       ([analytic] dimension_plans), p. ex. « Administration » ; NULL sinon
--
-- La règle (docs/regles-de-calcul.md, « Plans analytiques ») :
--   1. Odoo donne à chaque plan ses propres 100 % d'une ligne. Le plan de l'arbre compte
--      d'abord : les montants de ses comptes, tels qu'Odoo les a calculés.
--   2. Ce que le plan de l'arbre laisse (une ligne sur aucun compte de l'arbre, ou à 60 %
--      seulement) est compté par le premier autre plan présent sur la ligne dont des unités
--      listent les comptes (ordre plan_rank), au prorata : montant du compte × (ligne − part de
--      l'arbre) / ligne, au centime. Les plans suivants ne comptent rien pour cette ligne. Une
--      ligne à 100 % sur un pôle et à 100 % sur « Administration » compte sur le pôle seulement ;
--      une recette imputée seulement sur « Administration » compte là.
--   3. Le reste est « non affecté », montré au niveau de l'organisation ; il absorbe les centimes
--      d'arrondi, pour que la ligne soit comptée exactement une fois.
with accounts_67 as (
    select
        accounts.account_id,
        left(accounts.account_code, 1) in ('6', '7')
            or accounts.account_id in (select account_id from marts.account_categories) as is_budget
    from staging.stg_odoo__accounts as accounts
),

moves as (
    select move_id, state from staging.stg_odoo__account_moves
),

move_lines as (
    select * from staging.stg_odoo__account_move_lines
    where parent_state in ('posted', 'draft')
),

-- posted: the analytic lines of posted moves (or of no move), one item per (line, account)
posted_items as (
    select
        coalesce('aml:' || analytic.move_line_id, 'aal:' || analytic.analytic_line_id) as source_key,
        analytic.move_line_id,
        analytic.analytic_line_id,
        line_accounts.analytic_account_id,
        line_accounts.unit_code,
        line_accounts.root_plan_id,
        line_accounts.plan_rank,
        line_accounts.is_dimension,
        'posted'                         as state,
        analytic.line_date,
        analytic.general_account_id,
        analytic.amount                  as odoo_amount
    from staging.stg_odoo__analytic_lines as analytic
    join staging.stg_odoo__analytic_line_accounts as line_accounts
        on line_accounts.analytic_line_id = analytic.analytic_line_id
    left join staging.stg_odoo__account_move_lines as aml
        on aml.move_line_id = analytic.move_line_id
    left join moves
        on moves.move_id = aml.move_id
    where coalesce(moves.state, 'posted') = 'posted'
),

-- draft: no analytic line yet; the journal item's distribution, every plan
draft_items as (
    select
        'aml:' || move_lines.move_line_id as source_key,
        move_lines.move_line_id,
        null::bigint                      as analytic_line_id,
        spread.analytic_account_id,
        spread.unit_code,
        spread.root_plan_id,
        spread.plan_rank,
        spread.is_dimension,
        'draft'                           as state,
        move_lines.line_date,
        move_lines.account_id             as general_account_id,
        round(-move_lines.balance * spread.pct / 100, 2) as odoo_amount
    from move_lines
    join staging.stg_odoo__move_line_analytic as spread
        on spread.move_line_id = move_lines.move_line_id
    where move_lines.parent_state = 'draft'
),

items as (
    select * from posted_items
    union all
    select * from draft_items
),

-- the source lines: journal items of the budget's accounts (classes 6/7 and the categories'
-- prefixes), plus whatever carries analytic amounts
ledger_sources as (
    select
        'aml:' || move_lines.move_line_id         as source_key,
        move_lines.move_line_id,
        case move_lines.parent_state when 'posted' then 'posted' else 'draft' end as state,
        move_lines.line_date,
        move_lines.account_id                     as general_account_id,
        -move_lines.balance                       as line_total,
        true                                      as in_ledger
    from move_lines
    join accounts_67 on accounts_67.account_id = move_lines.account_id
    where accounts_67.is_budget
       or move_lines.move_line_id in (select move_line_id from items where move_line_id is not null)
),

orphan_sources as (
    -- analytic amounts with no journal item in the warehouse: the line is what its first plan says
    select
        source_key,
        any_value(move_line_id)        as move_line_id,
        any_value(state)               as state,
        min(line_date)                 as line_date,
        any_value(general_account_id)  as general_account_id,
        sum(odoo_amount)               as line_total,
        false                          as in_ledger
    from items
    where source_key not in (select source_key from ledger_sources)
    group by source_key
),

orphan_totals as (
    -- the sum in one plan only (the lowest rank; a joined key puts the amount in each plan)
    select source_key, sum(odoo_amount) as line_total
    from items
    where source_key not in (select source_key from ledger_sources)
    group by source_key, root_plan_id, plan_rank
    qualify row_number() over (partition by source_key
                               order by coalesce(plan_rank, 999), root_plan_id nulls last) = 1
),

sources as (
    select * from ledger_sources
    union all
    select orphans.source_key, orphans.move_line_id, orphans.state, orphans.line_date,
           orphans.general_account_id, totals.line_total, orphans.in_ledger
    from orphan_sources as orphans
    join orphan_totals as totals using (source_key)
),

counted as (
    select items.*, sources.line_total
    from items
    join sources using (source_key)
    where items.unit_code is not null and items.plan_rank is not null
),

tree_part as (
    select source_key, sum(odoo_amount) as tree_amount
    from counted
    where plan_rank = 0
    group by source_key
),

second_plan as (
    select source_key, min(plan_rank) as plan_rank
    from counted
    where plan_rank >= 1
    group by source_key
),

allocated as (
    select
        counted.source_key, counted.move_line_id, counted.analytic_line_id,
        counted.analytic_account_id, counted.unit_code,
        case when counted.plan_rank = 0 then 'arbre' else 'autre_plan' end as allocation,
        counted.state, counted.line_date, counted.general_account_id, counted.line_total,
        counted.odoo_amount,
        case
            when counted.plan_rank = 0 then counted.odoo_amount
            when counted.line_total = 0 then 0
            else round(counted.odoo_amount
                       * ((counted.line_total - coalesce(tree_part.tree_amount, 0)) / counted.line_total)
                         ::decimal(38, 20), 2)
        end::decimal(14, 2) as amount
    from counted
    left join tree_part using (source_key)
    left join second_plan using (source_key)
    where counted.plan_rank = 0 or counted.plan_rank = second_plan.plan_rank
),

allocated_totals as (
    select source_key, sum(amount) as allocated_amount
    from allocated
    group by source_key
),

unassigned as (
    select
        sources.source_key, sources.move_line_id, null::bigint as analytic_line_id,
        null::bigint as analytic_account_id, null::varchar as unit_code,
        'non_affecte' as allocation,
        sources.state, sources.line_date, sources.general_account_id, sources.line_total,
        sources.line_total - coalesce(totals.allocated_amount, 0) as odoo_amount,
        (sources.line_total - coalesce(totals.allocated_amount, 0))::decimal(14, 2) as amount
    from sources
    left join allocated_totals as totals using (source_key)
    where sources.in_ledger
      and sources.line_total - coalesce(totals.allocated_amount, 0) <> 0
),

dimensions as (
    select items.source_key,
           string_agg(distinct accounts.analytic_name, ' ; ' order by accounts.analytic_name) as dimension
    from items
    join staging.stg_odoo__analytic_accounts as accounts using (analytic_account_id)
    where items.is_dimension
    group by items.source_key
)

select
    all_rows.source_key,
    all_rows.move_line_id,
    all_rows.analytic_line_id,
    all_rows.analytic_account_id,
    all_rows.unit_code,
    all_rows.allocation,
    all_rows.state,
    all_rows.line_date,
    all_rows.general_account_id,
    all_rows.line_total::decimal(14, 2) as line_total,
    all_rows.odoo_amount::decimal(14, 2) as odoo_amount,
    all_rows.amount,
    dimensions.dimension
from (
    select * from allocated
    where allocation = 'arbre' or amount <> 0
    union all
    select * from unassigned
) as all_rows  -- not `rows`: after `order by` sqlfluff's DuckDB grammar reads it as a window frame
left join dimensions using (source_key)
order by all_rows.source_key, all_rows.allocation, all_rows.analytic_line_id, all_rows.analytic_account_id
