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
--   Une facture ↔ une proposition : le rapprochement ne se fait que si la proposition a exactement
--   une facture candidate ET que cette facture n'est candidate d'aucune autre proposition. Sinon
--   rien n'est rapproché, la ligne est 'ambigue' et match_note liste les factures (et les
--   propositions concurrentes) pour que le groupe finances rattache la bonne
--   (RemunerationProposal.mark_invoiced l'enregistre).
--   L'étape de flux models.remuneration.record_invoices réécrit les rapprochements automatiques
--   dans app.remuneration_proposals (odoo_move_id, status), avec audit, pour qu'un rapprochement
--   ne bouge jamais.
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

counted as (
    select
        proposal_id,
        move_id,
        count(*) over (partition by proposal_id) as bills_of_proposal,
        count(*) over (partition by move_id)     as proposals_of_bill
    from candidates
),

automatic as (
    select proposal_id, move_id
    from counted
    where bills_of_proposal = 1 and proposals_of_bill = 1
),

-- Proposals with candidates but no automatic match: the bills, and who else wants them.
ambiguous as (
    select
        counted.proposal_id,
        string_agg(distinct coalesce(nullif(moves.move_name, '/'), 'brouillon n° ' || counted.move_id), ', '
                   order by coalesce(nullif(moves.move_name, '/'), 'brouillon n° ' || counted.move_id)) as bills,
        string_agg(distinct others.proposal_id::varchar, ', ' order by others.proposal_id::varchar)
            filter (where others.proposal_id is not null) as competitors
    from counted
    left join moves
        on moves.move_id = counted.move_id
    left join candidates as others
        on others.move_id = counted.move_id
       and others.proposal_id <> counted.proposal_id
    where counted.proposal_id not in (select proposal_id from automatic)
    group by counted.proposal_id
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
