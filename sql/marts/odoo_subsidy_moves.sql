-- odoo_subsidy_moves — les subventions comptabilisées dans Odoo : une ligne par pièce comptabilisée
-- ayant une ligne sur un compte 74… (subventions d'exploitation), qu'il s'agisse d'une écriture sur
-- 441 (État – subventions à recevoir) ou d'une facture client adressée au financeur (411).
--
-- Grain: une ligne par account.move comptabilisée dont les lignes 74… totalisent un crédit non nul.
-- Columns:
--   subsidy_move_id   la pièce (id de account.move)
--   move_name, move_type, move_date   comme dans Odoo (move_date : la date de la notification,
--                     quand la subvention est comptabilisée à la notification)
--   label             la référence de la pièce, sinon le libellé de sa plus grosse ligne 74…
--   partner_id, funder   le partenaire de la pièce dans Odoo (sinon celui de la ligne 74…) : le financeur
--   account_code      le compte 74… de sa plus grosse ligne 74…
--   unit_code         l'unité qui porte la plus grande part de ses lignes 74… (leur distribution
--                     analytique, via les comptes analytiques des unités) ; la racine de
--                     l'organisation quand aucune ligne 74… n'est sur le compte analytique d'une unité
--   unit_from_books   vrai quand unit_code vient d'une distribution analytique (faux : la racine)
--   granted           DECIMAL(14,2) : le crédit de ses lignes 74… (crédit − débit) — le montant
--                     accordé selon la comptabilité
--   remaining         DECIMAL(14,2) : ce qui reste à recevoir, l'amount_residual de ses lignes de
--                     créance (441…, ou la ligne 411 asset_receivable). Odoo laisse le payment_state
--                     d'une écriture simple à 'not_paid' quoi qu'il soit payé : c'est le résiduel,
--                     pas l'état de paiement, qui dit ce qui reste.
--   next_due_on       la plus proche date_maturity d'une ligne de créance ayant un reste
--   exercice_start, exercice_end   l'exercice qui contient move_date (fiscal_year_start_month)
with settings as (
    select fiscal_year_start_month as start_month
    from staging.stg_ref__settings
),

accounts as (
    select account_id, account_code, account_type from staging.stg_odoo__accounts
),

moves as (
    select * from staging.stg_odoo__account_moves where state = 'posted'
),

lines as (
    select move_lines.*, accounts.account_code, accounts.account_type
    from staging.stg_odoo__account_move_lines as move_lines
    join moves using (move_id)
    join accounts using (account_id)
),

subsidy_lines as (
    select * from lines where starts_with(account_code, '74')
),

granted as (
    select move_id, sum(-balance) as granted
    from subsidy_lines
    group by move_id
    having sum(-balance) <> 0
),

largest_line as (
    select move_id, account_code, line_name, partner_id, partner_name
    from subsidy_lines
    qualify row_number() over (partition by move_id order by abs(balance) desc, move_line_id) = 1
),

units as (
    select subsidy_lines.move_id, distribution.unit_code
    from subsidy_lines
    join staging.stg_odoo__analytic_distribution as distribution using (move_line_id)
    group by subsidy_lines.move_id, distribution.unit_code
    qualify row_number() over (
        partition by subsidy_lines.move_id
        order by sum(abs(subsidy_lines.balance) * distribution.pct) desc, distribution.unit_code
    ) = 1
),

receivables as (
    select
        move_id,
        sum(amount_residual)                                          as remaining,
        min(coalesce(date_maturity, line_date)) filter (where amount_residual > 0) as next_due_on
    from lines
    where (starts_with(account_code, '441') or account_type = 'asset_receivable')
      and balance > 0
    group by move_id
)

select
    moves.move_id                                                          as subsidy_move_id,
    moves.move_name,
    moves.move_type,
    moves.move_date,
    coalesce(moves.move_ref, largest_line.line_name, moves.move_name)     as label,
    coalesce(moves.partner_id, largest_line.partner_id)                   as partner_id,
    coalesce(moves.partner_name, largest_line.partner_name)               as funder,
    largest_line.account_code,
    coalesce(units.unit_code, (select unit_code from ref.units where parent_code is null order by sort, unit_code limit 1))
                                                                           as unit_code,
    units.unit_code is not null                                            as unit_from_books,
    granted.granted::decimal(14, 2)                                        as granted,
    coalesce(receivables.remaining, 0)::decimal(14, 2)                     as remaining,
    receivables.next_due_on,
    marts.exercice_debut(moves.move_date, settings.start_month)           as exercice_start,
    (marts.exercice_debut(moves.move_date, settings.start_month)
        + interval 1 year - interval 1 day)::date                          as exercice_end
from moves
join granted using (move_id)
join largest_line using (move_id)
left join units using (move_id)
left join receivables using (move_id)
cross join settings
order by moves.move_date, moves.move_id
