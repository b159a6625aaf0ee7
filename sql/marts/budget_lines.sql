-- budget_lines — every amount that counts in a budget: real (Odoo, transfers), committed
-- (Odoo drafts, validated proposals) or only proposed (proposals to validate).
--
-- Grain: one budget line = one amount on one unit and one budget category.
-- Columns:
--   line_key       unique key: 'odoo:aal:<analytic line>:<analytic account>' (posted),
--                  'odoo:aml:<move line>:<analytic account>' (draft),
--                  'odoo:aml:<move line>:non_affecte' (the part no unit holds),
--                  'alambic:proposal:<id>', 'alambic:transfer:<id>:from' / ':to'
--   source         'odoo' | 'alambic' (what users entered in Alambic)
--   unit_code      the unit the amount is booked on (no roll-up: see org_rollup)
--   category_code  the budget category (ref.categories)
--   direction      'depense' | 'recette' (the category's)
--   line_date      date of the analytic line, draft move line, proposal (its end date) or transfer
--   month          first day of line_date's month
--   label          what it is (Odoo line label, mission, transfer reason)
--   partner        who (Odoo partner, the member, the other unit of a transfer)
--   reference      Odoo move name, 'proposition n° X' or 'transfert n° X'
--   amount         DECIMAL(14,2), positive in the category's direction: an expense of 100 €
--                  is +100 in a dépense category, an income of 100 € +100 in a recette one;
--                  refunds and credit notes are negative
--   status         a_valider (proposal to validate), a_facturer (validated, not invoiced yet),
--                  brouillon (Odoo draft), a_payer / paye (expense), a_encaisser / encaisse
--                  (income), interne (internal transfer)
--   counts_as      'reel' (real), 'engage' (committed), 'aucun' (counts in neither)
--   allocation     'arbre' (tree plan account), 'autre_plan' (another plan's account mapped to
--                  a unit), 'non_affecte' (on the organisation: no unit holds it), 'alambic'
--                  (a proposal), 'interne' (a transfer)
--   dimension      the Odoo line's accounts in the « second dimension » plans, if any
--   counterpart_unit  for a transfer, the unit at the other end (eliminations: budget_rollup)
--
-- Where each line comes from:
--   1. Réel Odoo: posted journal items as marts.ledger_allocation counts them (analytic lines of
--      posted moves, each euro once across plans; the rest « non affecté » on the root unit).
--      Category: the general account's code by the LONGEST matching prefix of
--      ref.category_accounts (6041 before 60); accounts in no category (e.g. 86/87, 68) are
--      left out (the ledger reconciliation mart shows them). Odoo's analytic amount is negative for
--      an expense, so amount = -amount for dépenses, +amount for recettes.
--      Status from the move's payment_state: paid, in_payment, reversed, invoicing_legacy →
--      paye / encaisse; otherwise a_payer / a_encaisser; a plain entry (move_type 'entry', or an
--      analytic line with no move) → paye / encaisse.
--   2. Engagé Odoo: lines of DRAFT moves (no analytic line exists yet) on a categorised account,
--      by the same allocation (−balance × pct / 100 per account, 15's tag distributions
--      included), sign as in 1. Status brouillon.
--   3. Proposals, by their EFFECTIVE status (marts.remuneration_proposals: a validated proposal
--      whose bill is in Odoo is facturee / payee even before anybody stores it), category
--      bienveillance or prestations_internes by `kind`: proposee → a_valider / aucun; validee →
--      a_facturer / engage. Refused ones are left out, and so are invoiced and paid ones: their
--      Odoo bill is already in 1 or 2 (counting it twice is what the effective status avoids).
--   4. Internal transfers (app.internal_transfers): a depenses_internes line on from_unit and a
--      recettes_internes line on to_unit, both status interne, counts_as reel; they net to zero
--      for the whole organisation.

with categories as (
    select category_code, direction from ref.categories
),

-- Each general account → its budget category, by the longest matching prefix.
categorised_accounts as (
    select
        accounts.account_id,
        prefixes.category_code,
        categories.direction
    from staging.stg_odoo__accounts as accounts
    join ref.category_accounts as prefixes
        on starts_with(accounts.account_code, prefixes.account_prefix)
    join categories using (category_code)
    qualify row_number() over (
        partition by accounts.account_id
        order by length(prefixes.account_prefix) desc
    ) = 1
),

moves as (
    select * from staging.stg_odoo__account_moves
),

move_lines as (
    select * from staging.stg_odoo__account_move_lines
),

root as (
    select unit_code from ref.units where parent_code is null
),

-- 1. and 2. Odoo: what each line counts on each unit, once (marts.ledger_allocation); what no
-- unit holds is « non affecté », on the organisation (the root unit)
odoo_allocated as (
    select
        case
            when allocation.allocation = 'non_affecte' then 'odoo:aml:' || allocation.move_line_id || ':non_affecte'
            when allocation.analytic_line_id is not null
                then 'odoo:aal:' || allocation.analytic_line_id || ':' || allocation.analytic_account_id
            else 'odoo:aml:' || allocation.move_line_id || ':' || allocation.analytic_account_id
        end                                         as line_key,
        'odoo'                                      as source,
        coalesce(allocation.unit_code, (select unit_code from root)) as unit_code,
        accounts.category_code,
        accounts.direction,
        allocation.line_date,
        coalesce(analytic.line_name, move_lines.line_name)        as label,
        coalesce(analytic.partner_name, move_lines.partner_name, moves.partner_name) as partner,
        case
            when allocation.state = 'draft'
                then coalesce(nullif(moves.move_name, '/'), 'brouillon n° ' || move_lines.move_id)
            else coalesce(moves.move_name, analytic.line_ref)
        end                                         as reference,
        case accounts.direction
            when 'depense' then -allocation.amount
            else allocation.amount
        end                                         as amount,
        allocation.state = 'posted' and (
            coalesce(moves.move_type, 'entry') = 'entry'
            or moves.payment_state in ('paid', 'in_payment', 'reversed', 'invoicing_legacy'))
                                                    as is_settled,
        case allocation.state when 'posted' then 'reel' else 'engage' end as counts_as,
        allocation.allocation,
        allocation.dimension
    from marts.ledger_allocation as allocation
    join categorised_accounts as accounts
        on accounts.account_id = allocation.general_account_id
    left join staging.stg_odoo__analytic_lines as analytic
        on analytic.analytic_line_id = allocation.analytic_line_id
    left join move_lines
        on move_lines.move_line_id = allocation.move_line_id
    left join moves
        on moves.move_id = move_lines.move_id
),

odoo_lines as (
    select
        line_key, source, unit_code, category_code, direction, line_date, label, partner,
        reference, amount,
        case
            when counts_as = 'engage'                 then 'brouillon'
            when direction = 'depense' and is_settled then 'paye'
            when direction = 'depense'                then 'a_payer'
            when is_settled                           then 'encaisse'
            else 'a_encaisser'
        end as status,
        counts_as,
        allocation,
        dimension,
        null::varchar as counterpart_unit
    from odoo_allocated
),

-- 3. Remuneration proposals not invoiced yet (effective status: see remuneration_proposals)
proposals as (
    select
        'alambic:proposal:' || proposals.proposal_id          as line_key,
        'alambic'                                             as source,
        proposals.unit_code,
        case proposals.kind
            when 'bienveillance' then 'bienveillance'
            else 'prestations_internes'
        end                                                   as category_code,
        'depense'                                             as direction,
        proposals.end_date                                    as line_date,
        proposals.mission                                     as label,
        proposals.person_name                                 as partner,
        'proposition n° ' || proposals.proposal_id            as reference,
        proposals.amount,
        case proposals.status
            when 'proposee' then 'a_valider'
            when 'validee'  then 'a_facturer'
        end                                                   as status,
        case proposals.status
            when 'proposee' then 'aucun'
            when 'validee'  then 'engage'
        end                                                   as counts_as,
        'alambic'                                             as allocation,
        null::varchar                                         as dimension,
        null::varchar                                         as counterpart_unit
    from marts.remuneration_proposals as proposals
    where proposals.status in ('proposee', 'validee')
),

-- 4. Internal transfers: one dépense interne and one recette interne
transfers as (
    select
        'alambic:transfer:' || transfers.transfer_id || ':' || side.side  as line_key,
        'alambic'                                                          as source,
        case side.side when 'from' then transfers.from_unit else transfers.to_unit end as unit_code,
        case side.side when 'from' then 'depenses_internes' else 'recettes_internes' end as category_code,
        case side.side when 'from' then 'depense' else 'recette' end      as direction,
        transfers.transfer_date                                            as line_date,
        transfers.reason                                                   as label,
        -- the other side of the transfer
        coalesce(other_unit.name,
                 case side.side when 'from' then transfers.to_unit else transfers.from_unit end)
                                                                           as partner,
        'transfert n° ' || transfers.transfer_id                           as reference,
        transfers.amount,
        'interne'                                                          as status,
        'reel'                                                             as counts_as,
        'interne'                                                          as allocation,
        null::varchar                                                      as dimension,
        case side.side when 'from' then transfers.to_unit else transfers.from_unit end
                                                                           as counterpart_unit
    from app.internal_transfers as transfers
    cross join (values ('from'), ('to')) as side(side)
    left join ref.units as other_unit
        on other_unit.unit_code =
           case side.side when 'from' then transfers.to_unit else transfers.from_unit end
),

all_lines as (
    select * from odoo_lines
    union all
    select * from proposals
    union all
    select * from transfers
)

select
    line_key,
    source,
    unit_code,
    category_code,
    direction,
    line_date,
    date_trunc('month', line_date)::date as month,
    label,
    partner,
    reference,
    amount::decimal(14, 2)               as amount,
    status,
    counts_as,
    allocation,
    dimension,
    counterpart_unit
from all_lines
order by line_date, line_key
