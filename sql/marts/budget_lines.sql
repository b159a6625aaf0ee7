-- budget_lines — chaque montant qui compte dans un budget : réel (Odoo, transferts), engagé
-- (brouillons Odoo, propositions validées) ou seulement proposé (propositions à valider).
--
-- Grain: une ligne budgétaire = un montant sur une unité et une catégorie budgétaire.
-- Columns:
--   line_key       clé unique : 'odoo:aal:<ligne analytique>:<compte analytique>' (comptabilisée),
--                  'odoo:aml:<ligne d'écriture>:<compte analytique>' (brouillon),
--                  'odoo:aml:<ligne d'écriture>:non_affecte' (la part qu'aucune unité ne porte),
--                  'alambic:proposal:<id>', 'alambic:transfer:<id>:from' / ':to'
--   source         'odoo' | 'alambic' (ce que les membres ont saisi dans Alambic)
--   unit_code      l'unité sur laquelle le montant est imputé (sans cumul : voir org_rollup)
--   category_code  la catégorie budgétaire (ref.categories)
--   direction      'depense' | 'recette' (celle de la catégorie)
--   line_date      date de la ligne analytique, de la ligne d'écriture brouillon, de la proposition
--                  (sa date de fin) ou du transfert
--   month          premier jour du mois de line_date
--   label          ce que c'est (libellé de la ligne Odoo, mission, motif du transfert)
--   partner        qui (partenaire Odoo, le membre, l'autre unité d'un transfert)
--   reference      nom de la pièce Odoo, 'proposition n° X' ou 'transfert n° X'
--   amount         DECIMAL(14,2), positif dans le sens de la catégorie : une dépense de 100 €
--                  vaut +100 dans une catégorie de dépense, une recette de 100 € +100 dans une
--                  catégorie de recette ; remboursements et avoirs sont négatifs
--   status         a_valider (proposition à valider), a_facturer (validée, pas encore facturée),
--                  brouillon (brouillon Odoo), a_payer / paye (dépense), a_encaisser / encaisse
--                  (recette), interne (transfert interne)
--   counts_as      'reel' (réel), 'engage' (engagé), 'aucun' (ne compte ni dans l'un ni dans l'autre)
--   allocation     'arbre' (compte du plan de l'arbre), 'autre_plan' (compte d'un autre plan
--                  rattaché à une unité), 'non_affecte' (sur l'organisation : aucune unité ne le
--                  porte), 'alambic' (une proposition), 'interne' (un transfert)
--   dimension      les comptes de la ligne Odoo dans les plans « seconde dimension », s'il y en a
--   counterpart_unit  pour un transfert, l'unité à l'autre bout (éliminations : budget_rollup)
--
-- D'où vient chaque ligne :
--   1. Réel Odoo : les lignes d'écritures comptabilisées comme marts.ledger_allocation les compte
--      (lignes analytiques des pièces comptabilisées, chaque euro une seule fois tous plans
--      confondus ; le reste « non affecté » sur l'unité racine). Catégorie : le code du compte
--      général par le préfixe le plus LONG qui correspond dans ref.category_accounts (6041 avant
--      60) ; les comptes hors catégorie (p. ex. 86/87, 68) sont écartés (le mart du rapprochement
--      comptable les montre). Le montant analytique d'Odoo est négatif pour une dépense, donc
--      amount = -amount pour les dépenses, +amount pour les recettes.
--      Statut selon le payment_state de la pièce : paid, in_payment, reversed, invoicing_legacy →
--      paye / encaisse ; sinon a_payer / a_encaisser ; une écriture simple (move_type 'entry', ou
--      une ligne analytique sans pièce) → paye / encaisse.
--   2. Engagé Odoo : lignes des pièces en BROUILLON (pas encore de ligne analytique) sur un compte
--      catégorisé, selon la même répartition (−balance × pct / 100 par compte, distributions par
--      étiquettes d'Odoo 15 comprises), signe comme en 1. Statut brouillon.
--   3. Propositions, selon leur statut EFFECTIF (marts.remuneration_proposals : une proposition
--      validée dont la facture est dans Odoo est facturee / payee avant même que quiconque
--      l'enregistre), dans la catégorie dont `fed_by` nomme son `kind` dans la configuration
--      (« proposals:bienveillance », « proposals:prestation_interne » ; ref.category_feeds,
--      par défaut bienveillance et prestations_internes) : proposee →
--      a_valider / aucun ; validee → a_facturer / engage. Les refusées sont écartées, ainsi que
--      les facturées et payées : leur facture Odoo est déjà en 1 ou 2 (le statut effectif évite
--      de la compter deux fois).
--   4. Transferts internes (app.internal_transfers) : une ligne sur from_unit dans la catégorie
--      « transfers:from » (par défaut depenses_internes) et une sur to_unit dans la catégorie
--      « transfers:to » (par défaut recettes_internes), toutes deux au statut interne, counts_as reel ;
--      elles s'annulent pour l'organisation entière.

with categories as (
    select category_code, direction from ref.categories
),

-- Each general account → its budget category (the longest matching prefix: marts.account_categories).
categorised_accounts as (
    select account_id, category_code, direction from marts.account_categories
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
        feeds.category_code,  -- [[categories]] fed_by "proposals:<kind>" (ref.category_feeds)
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
    join ref.category_feeds as feeds
        on feeds.feed = 'proposals:' || proposals.kind
    where proposals.status in ('proposee', 'validee')
),

-- 4. Internal transfers: one dépense interne and one recette interne
transfers as (
    select
        'alambic:transfer:' || transfers.transfer_id || ':' || side.side  as line_key,
        'alambic'                                                          as source,
        case side.side when 'from' then transfers.from_unit else transfers.to_unit end as unit_code,
        feeds.category_code,  -- [[categories]] fed_by "transfers:from" / "transfers:to"
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
    join ref.category_feeds as feeds
        on feeds.feed = 'transfers:' || side.side
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
