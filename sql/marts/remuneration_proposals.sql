-- remuneration_proposals — chaque proposition de co-rémunération avec son statut effectif : ce que
-- les membres et référent·es ont décidé (app.remuneration_proposals), puis ce qu'Odoo dit de la facture.
--
-- Grain: une ligne par proposition (app.remuneration_proposals.proposal_id).
-- Columns:
--   proposal_id, person_email, unit_code, kind, mission, hours, hourly_rate, amount, start_date,
--   end_date, decided_by, decided_at, decision_comment   tels que saisis (app.remuneration_proposals)
--   person_name      le nom du membre : son partenaire Odoo (même e-mail), sinon le nom affiché de
--                    son compte Alambic, sinon l'e-mail
--   unit_name        le nom de l'unité (ref.units)
--   status           statut effectif : proposee | validee | refusee | facturee | payee (ci-dessous)
--   stored_status    le statut enregistré dans app.remuneration_proposals
--   odoo_move_id     la facture du membre dans Odoo (rattachée, ou trouvée par la règle ci-dessous)
--   odoo_move_name   son numéro (FAC/…), NULL tant qu'un brouillon n'en a pas
--   invoice_date     sa date de facture (sinon sa date comptable)
--   paid_on          la date la plus récente du ou des paiements lettrés avec elle (NULL si non
--                    payée, ou payée sans lettrage visible dans Odoo)
--   match            'rattachee' (odoo_move_id enregistré), 'automatique' (trouvée par la règle),
--                    'ambigue' (plusieurs possibles : montrées, pas devinées), NULL (pas de facture)
--   match_note       pourquoi, en français, pour la page (NULL quand il n'y a rien à dire)
--
-- Règle de rapprochement (« facturée » et « payée » ne sont jamais saisies : elles viennent d'Odoo) :
--   Une facture candidate d'une proposition validée (statut enregistré validee, facturee ou payee,
--   aucun odoo_move_id enregistré) est une account.move d'Odoo avec
--     - move_type 'in_invoice' (facture fournisseur), état brouillon ou comptabilisé (pas annulé) ;
--     - un partenaire dont l'e-mail est le person_email de la proposition (sans espaces, minuscules) ;
--     - des lignes sur un compte général 604* (achats de prestations) portées par l'unité de la
--       proposition via la distribution analytique (stg_odoo__analytic_distribution :
--       analytic_account_id ≤ 15, analytic_distribution 16+), dont le montant sur cette unité
--       (balance × pct / 100, sommé sur les lignes 604* de la facture) égale le montant de la
--       proposition AU CENTIME ;
--     - une date de facture (sinon date comptable) égale ou postérieure à la date de début de la
--       proposition ;
--     - qui n'est pas déjà l'odoo_move_id enregistré d'une autre proposition.
--   Une facture ↔ une proposition, dans l'ordre chronologique : les propositions validées sans
--   odoo_move_id enregistré et les factures candidates (ci-dessus) d'une même personne (e-mail),
--   d'une même unité et d'un même montant forment un groupe d'éléments interchangeables. Dans
--   chaque groupe, les propositions sont rangées par date de début puis proposal_id, les factures
--   par date de facture puis move_id, et la k-ième proposition prend la k-ième facture, pourvu que
--   la date de cette facture soit égale ou postérieure à la date de début de la proposition.
--   Sinon cette proposition et les suivantes du groupe ne sont pas rapprochées : elles sont
--   'ambigue' (si une facture candidate reste libre) et match_note liste leurs factures candidates
--   (et les propositions concurrentes) pour que le groupe finances rattache la bonne
--   (RemunerationProposal.mark_invoiced l'enregistre). Une facture dont les lignes 604* tombent
--   dans deux groupes (deux unités) et qui y serait prise deux fois n'est prise par aucun : doute.
--   Une facture datée avant la première proposition de son groupe n'est candidate d'aucune
--   proposition et n'entre pas dans le groupe.
--   Ce n'est pas deviner : les éléments d'un groupe ne se distinguent que par leurs dates. Et c'est
--   stable : une proposition ou une facture datée plus tard se range après les autres et ne change
--   jamais un rapprochement antérieur (une mission récurrente, même montant chaque mois, garde ses
--   factures payées quand arrivent la proposition et la facture du mois suivant). Seule une
--   proposition ou une facture datée plus tôt, saisie en retard, peut décaler les paires.
--   Le rapprochement automatique est refait à chaque construction, des livres d'Odoo et des
--   propositions telles que saisies : rien ne l'écrit dans app.* (le flux va dans un seul sens).
--   Rattacher la facture (mark_invoiced) fixe un rapprochement pour de bon ; la proposition et la
--   facture rattachées sortent alors de leur groupe.
--
-- Statut effectif :
--   proposee, refusee                    tel qu'enregistré ;
--   validée avec une facture trouvée :   payee si son payment_state est paid ou in_payment,
--                                        validee si la facture est annulée, sinon facturee ;
--   validée sans facture :               tel qu'enregistré (validee ; un facturee / payee saisi
--                                        avant que la facture n'arrive dans l'entrepôt reste, avec
--                                        une note).

with proposals as (
    select * from app.remuneration_proposals
),

partners as (
    -- the member in Odoo, by e-mail (several partners may share one: the first name)
    select email, min(partner_name) as partner_name
    from staging.stg_odoo__partners
    where email is not null
    group by email
),

users as (
    select lower(trim(email)) as email, min(nullif(display_name, '')) as display_name
    from app.users
    group by 1
),

moves as (
    select * from staging.stg_odoo__account_moves
),

-- Supplier bills: their 604* amount on each unit, and their partner's e-mail.
bill_units as (
    select
        moves.move_id,
        distribution.unit_code,
        partners.email                                                   as partner_email,
        coalesce(moves.invoice_date, moves.move_date)                    as invoice_date,
        sum(round(lines.balance * distribution.pct / 100, 2))::decimal(14, 2) as amount
    from moves
    join staging.stg_odoo__account_move_lines as lines
        on lines.move_id = moves.move_id
    join staging.stg_odoo__accounts as accounts
        on accounts.account_id = lines.account_id
       and starts_with(accounts.account_code, '604')
    join staging.stg_odoo__analytic_distribution as distribution
        on distribution.move_line_id = lines.move_line_id
    left join staging.stg_odoo__partners as partners
        on partners.partner_id = moves.partner_id
    where moves.move_type = 'in_invoice'
      and moves.state in ('draft', 'posted')
    group by all
),

pinned as (
    select distinct odoo_move_id as move_id
    from proposals
    where odoo_move_id is not null
),

candidates as (
    select proposals.proposal_id, bill_units.move_id
    from proposals
    join bill_units
        on bill_units.partner_email = lower(trim(proposals.person_email))
       and bill_units.unit_code = proposals.unit_code
       and bill_units.amount = proposals.amount
       and bill_units.invoice_date >= proposals.start_date
    where proposals.status in ('validee', 'facturee', 'payee')
      and proposals.odoo_move_id is null
      and bill_units.move_id not in (select move_id from pinned)
),

-- The groups of interchangeable proposals and bills (same person, unit, amount), each side in
-- chronological order: the k-th proposal of a group and the k-th bill are a pair.
group_proposals as (
    select
        proposal_id,
        start_date,
        row_number() over (partition by lower(trim(person_email)), unit_code, amount
                           order by start_date, proposal_id) as position,
        lower(trim(person_email)) as email,
        unit_code,
        amount
    from proposals
    where proposal_id in (select proposal_id from candidates)
),

group_bills as (
    select
        bill_units.move_id,
        bill_units.invoice_date,
        row_number() over (partition by bill_units.partner_email, bill_units.unit_code, bill_units.amount
                           order by bill_units.invoice_date, bill_units.move_id) as position,
        bill_units.partner_email as email,
        bill_units.unit_code,
        bill_units.amount
    from bill_units
    where exists (
        select 1
        from candidates
        join proposals using (proposal_id)
        where candidates.move_id = bill_units.move_id
          and proposals.unit_code = bill_units.unit_code
    )
),

in_order as (
    select
        group_proposals.proposal_id,
        group_bills.move_id,
        -- a bill dated before its proposal stops the pairing of that proposal and the later ones
        bool_and(group_bills.invoice_date >= group_proposals.start_date) over (
            partition by group_proposals.email, group_proposals.unit_code, group_proposals.amount
            order by group_proposals.position
            rows between unbounded preceding and current row) as in_time
    from group_proposals
    join group_bills
        on group_bills.email = group_proposals.email
       and group_bills.unit_code = group_proposals.unit_code
       and group_bills.amount = group_proposals.amount
       and group_bills.position = group_proposals.position
),

counted as (
    select
        proposal_id,
        move_id,
        -- a bill taken in two groups (its 604* lines on two units) is taken by neither
        marts.seul_candidat(proposal_id, move_id) as one_to_one  -- sql/macros/figures.sql
    from in_order
    where in_time
),

automatic as (
    select proposal_id, move_id
    from counted
    where one_to_one
),

-- Proposals left without a pair while one of their candidate bills is free: the bills, and who
-- else wants them. (A proposal whose candidates are all taken waits for its own bill.)
ambiguous as (
    select
        candidates.proposal_id,
        string_agg(distinct coalesce(nullif(moves.move_name, '/'), 'brouillon n° ' || candidates.move_id), ', '
                   order by coalesce(nullif(moves.move_name, '/'), 'brouillon n° ' || candidates.move_id)) as bills,
        string_agg(distinct others.proposal_id::varchar, ', ' order by others.proposal_id::varchar)
            filter (where others.proposal_id is not null) as competitors
    from candidates
    left join moves
        on moves.move_id = candidates.move_id
    left join candidates as others
        on others.move_id = candidates.move_id
       and others.proposal_id <> candidates.proposal_id
    where candidates.proposal_id not in (select proposal_id from automatic)
      and candidates.proposal_id in (
          select proposal_id from candidates where move_id not in (select move_id from automatic))
    group by candidates.proposal_id
),

-- When a bill was paid: the dates of the other moves' lines reconciled with its lines.
paid_dates as (
    select bill_lines.move_id, max(coalesce(payment_lines.line_date, payment_moves.move_date)) as paid_on
    from staging.stg_odoo__account_move_lines as bill_lines
    join staging.stg_odoo__account_move_lines as payment_lines
        on payment_lines.matching_number = bill_lines.matching_number
       and payment_lines.move_id <> bill_lines.move_id
    left join moves as payment_moves
        on payment_moves.move_id = payment_lines.move_id
    where bill_lines.matching_number is not null
    group by bill_lines.move_id
),

linked as (
    select
        proposals.*,
        coalesce(proposals.odoo_move_id, automatic.move_id) as bill_id,
        case
            when proposals.odoo_move_id is not null then 'rattachee'
            when automatic.move_id is not null      then 'automatique'
            when ambiguous.proposal_id is not null  then 'ambigue'
        end as match,
        ambiguous.bills,
        ambiguous.competitors
    from proposals
    left join automatic using (proposal_id)
    left join ambiguous using (proposal_id)
)

select
    linked.proposal_id,
    linked.person_email,
    coalesce(partners.partner_name, users.display_name, linked.person_email) as person_name,
    linked.unit_code,
    units.name                                                   as unit_name,
    linked.kind,
    linked.mission,
    linked.hours,
    linked.hourly_rate,
    linked.amount,
    linked.start_date,
    linked.end_date,
    case
        when linked.status in ('proposee', 'refusee') then linked.status
        when bills.move_id is null                   then linked.status
        when bills.state = 'cancel'                  then 'validee'
        when bills.payment_state in ('paid', 'in_payment') then 'payee'
        else 'facturee'
    end                                                          as status,
    linked.status                                                as stored_status,
    linked.decided_by,
    linked.decided_at,
    linked.decision_comment,
    case when linked.match = 'ambigue' then null else linked.bill_id end as odoo_move_id,
    nullif(bills.move_name, '/')                                 as odoo_move_name,
    coalesce(bills.invoice_date, bills.move_date)                as invoice_date,
    case when bills.payment_state in ('paid', 'in_payment') then paid_dates.paid_on end as paid_on,
    linked.match,
    case
        when linked.match = 'ambigue' then
            'Plusieurs rapprochements possibles : facture(s) ' || linked.bills
            || coalesce(', aussi candidate(s) pour la proposition n° ' || linked.competitors, '')
            || ' — à rattacher à la main'
        when linked.match = 'rattachee' and bills.move_id is null then
            'Facture Odoo n° ' || linked.bill_id || ' absente de l''entrepôt (pas encore synchronisée, ou supprimée)'
        when bills.state = 'cancel' then
            'Facture ' || coalesce(nullif(bills.move_name, '/'), 'n° ' || bills.move_id) || ' annulée dans Odoo'
        when bills.state = 'draft' then
            'Facture en brouillon dans Odoo'
        when linked.match = 'automatique' then
            'Rapprochée automatiquement : même personne, même unité, même montant'
        when linked.status in ('facturee', 'payee') and linked.bill_id is null then
            'Aucune facture Odoo rattachée'
    end                                                          as match_note
from linked
left join moves as bills
    on bills.move_id = linked.bill_id
left join paid_dates
    on paid_dates.move_id = linked.bill_id
left join partners
    on partners.email = lower(trim(linked.person_email))
left join users
    on users.email = lower(trim(linked.person_email))
left join ref.units as units
    on units.unit_code = linked.unit_code
order by linked.proposal_id
