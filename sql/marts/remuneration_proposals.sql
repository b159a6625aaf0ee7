-- remuneration_proposals — every co-remuneration proposal with its effective status: what the
-- members and référent·es decided (app.remuneration_proposals), then what Odoo says of the bill.
--
-- Grain: one row per proposal (app.remuneration_proposals.proposal_id).
-- Columns:
--   proposal_id, person_email, unit_code, kind, mission, hours, hourly_rate, amount, start_date,
--   end_date, decided_by, decided_at, decision_comment   as entered (app.remuneration_proposals)
--   person_name      the member's name: their Odoo partner (same e-mail), else their Alambic
--                    account's display name, else the e-mail
--   unit_name        the unit's name (ref.units)
--   status           effective status: proposee | validee | refusee | facturee | payee (below)
--   stored_status    the status stored in app.remuneration_proposals
--   odoo_move_id     the member's bill in Odoo (rattachée, or found by the rule below)
--   odoo_move_name   its number (FAC/…), NULL while a draft has none
--   invoice_date     its invoice date (else its accounting date)
--   paid_on          the latest date of the payment(s) reconciled with it (NULL if not paid,
--                    or paid without a reconciliation Odoo shows)
--   match            'rattachee' (odoo_move_id stored), 'automatique' (found by the rule),
--                    'ambigue' (several possible: shown, not guessed), NULL (no bill)
--   match_note       why, in French, for the page (NULL when there is nothing to say)
--
-- Matching rule (« facturée » and « payée » are never typed: they come from Odoo):
--   A candidate bill of a validated proposal (stored status validee, facturee or payee, no
--   odoo_move_id stored) is an Odoo account.move with
--     - move_type 'in_invoice' (supplier bill), state draft or posted (not cancelled);
--     - partner whose e-mail is the proposal's person_email (trimmed, lower case);
--     - lines on a general account 604* (achats de prestations) carried by the proposal's unit
--       through the analytic distribution (stg_odoo__analytic_distribution: analytic_account_id
--       ≤ 15, analytic_distribution 16+), whose amount on that unit (balance × pct / 100,
--       summed over the bill's 604* lines) equals the proposal's amount TO THE CENT;
--     - invoice date (else accounting date) on or after the proposal's start date;
--     - not already the stored odoo_move_id of another proposal.
--   One bill ↔ one proposal: the match is made only when the proposal has exactly one candidate
--   bill AND that bill is the candidate of no other proposal. Otherwise nothing is matched, the
--   row is 'ambigue' and match_note lists the bills (and the competing proposals) so that the
--   finance group attaches the right one (RemunerationProposal.mark_invoiced stores it).
--   The flow step models.remuneration.record_invoices writes automatic matches back into
--   app.remuneration_proposals (odoo_move_id, status), audited, so that a match never moves.
--
-- Effective status:
--   proposee, refusee                    as stored;
--   validated with a bill found:         payee if its payment_state is paid or in_payment,
--                                        validee if the bill is cancelled, else facturee;
--   validated without a bill:            as stored (validee; a facturee / payee typed before
--                                        the bill reached the warehouse stays, with a note).

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
