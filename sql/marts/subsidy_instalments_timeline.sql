-- subsidy_instalments_timeline — l'échéancier de chaque subvention (marts.subsidy_list) : ce qui a
-- été reçu, et ce qui est encore attendu et quand.
--
-- Grain: une ligne par montant reçu ou montant attendu.
-- Columns:
--   instalment_id  l'échéance (app.subsidy_instalments) pour une échéance saisie ; NÉGATIF pour une
--                  ligne tirée de la comptabilité : −(10^12 + id du lettrage partiel) pour un
--                  encaissement, −(id de la ligne d'écriture) pour le résiduel d'une créance,
--                  −(10^12 × 2 + id de la pièce) pour la part du résiduel au-delà de l'échéancier saisi
--   subsidy_key, subsidy_id, odoo_move_id   la subvention (marts.subsidy_list)
--   source         'odoo' (d'après la comptabilité) | 'saisie' (saisie dans Alambic)
--   funder, scheme, unit_code, nature   ceux de la subvention (marts.subsidy_list)
--   kind           'avance' | 'acompte' | 'solde' (saisis) ; 'versement' (un encaissement d'après la
--                  comptabilité) ; 'echeance' (le résiduel d'une créance, quand aucun échéancier
--                  n'a été saisi, ou ce qui reste au-delà)
--   amount         DECIMAL(14,2) : reçu (received_on renseignée) ou encore attendu
--   scheduled_amount  le montant de l'échéance tel que saisi (lignes saisies), sinon amount
--   expected_on    la date à laquelle il est attendu (saisie ; la date d'échéance de la ligne de
--                  créance, sinon la date de la pièce) ; pour un encaissement, la date de réception
--   received_on    la date de réception : la date de la ligne de relevé bancaire pour un
--                  encaissement d'après la comptabilité (sinon la date du paiement, tant qu'il
--                  n'est pas rapproché de la banque) ; NULL tant qu'attendu
--   status         'reçu' | 'en retard' (attendu, expected_on avant as_of) | 'à venir'
--   days_late      as_of − expected_on pour une ligne 'en retard' ; NULL sinon
--   treasury_month le mois dans lequel le plan de trésorerie (treasury_plan) le compte (un montant
--                  attendu : son mois prévu, ou le mois d'as_of en cas de retard) ; NULL une fois reçu
--
-- Règles :
--   * Une subvention seulement saisie (pas encore de pièce Odoo) : ses échéances telles que
--     saisies ; received_on saisie.
--   * Une subvention comptabilisée dans Odoo : les encaissements sont ceux de la comptabilité
--     (marts.odoo_subsidy_receipts, types 'banque' et 'paiement', datés par la banque) ; ce qui est
--     attendu est le résiduel des créances (amount_residual, le chiffre d'Odoo lui-même) :
--       - avec un échéancier saisi dans son suivi, le résiduel est réparti sur les échéances
--         saisies en partant de la DERNIÈRE (ce qui a été reçu a payé les plus anciennes d'abord) :
--         une échéance est attendue pour min(son montant, résiduel − les suivantes) ; les échéances
--         entièrement reçues ne sont pas listées (les encaissements de la comptabilité le sont) ;
--         un résiduel au-delà de l'échéancier fait une ligne 'echeance' de plus, à la plus proche
--         date d'échéance des créances ;
--       - sans échéancier, chaque ligne de créance ayant un résiduel est attendue à sa date
--         d'échéance.
--     Les dates de réception saisies sur les échéances d'une telle subvention ne servent pas : la
--     comptabilité dit ce qui a été reçu.
with settings as (
    select as_of from staging.stg_ref__settings
),

subsidies as (
    select * from marts.subsidy_list
),

typed_only as (
    select
        instalments.instalment_id,
        subsidies.subsidy_key,
        'saisie'                           as source,
        instalments.kind,
        instalments.amount,
        instalments.amount                 as scheduled_amount,
        instalments.expected_on,
        instalments.received_on
    from app.subsidy_instalments as instalments
    join subsidies on subsidies.subsidy_id = instalments.subsidy_id and subsidies.source = 'saisie'
),

receipts as (
    select
        -(1000000000000 + receipts.partial_id) as instalment_id,
        subsidies.subsidy_key,
        'odoo'                             as source,
        'versement'                        as kind,
        receipts.amount,
        receipts.amount                    as scheduled_amount,
        receipts.received_on               as expected_on,
        receipts.received_on
    from marts.odoo_subsidy_receipts as receipts
    join subsidies on subsidies.odoo_move_id = receipts.subsidy_move_id
    where receipts.kind in ('banque', 'paiement')
),

-- Odoo subsidies with an échéancier typed: the residual spread from the last instalment back
scheduled as (
    select
        instalments.instalment_id,
        subsidies.subsidy_key,
        instalments.kind,
        instalments.amount,
        instalments.expected_on,
        subsidies.remaining_books,
        coalesce(sum(instalments.amount) over (
            partition by instalments.subsidy_id
            order by instalments.expected_on desc, instalments.instalment_id desc
            rows between unbounded preceding and 1 preceding), 0) as later_amount,
        sum(instalments.amount) over (partition by instalments.subsidy_id) as schedule_total
    from app.subsidy_instalments as instalments
    join subsidies on subsidies.subsidy_id = instalments.subsidy_id and subsidies.source = 'odoo'
),

scheduled_awaited as (
    select
        instalment_id,
        subsidy_key,
        'saisie'                                                    as source,
        kind,
        least(amount, greatest(remaining_books - later_amount, 0))  as amount,
        amount                                                      as scheduled_amount,
        expected_on,
        null::date                                                  as received_on
    from scheduled
    where least(amount, greatest(remaining_books - later_amount, 0)) > 0
),

beyond_schedule as (
    select
        -(2000000000000 + subsidies.odoo_move_id)                   as instalment_id,
        subsidies.subsidy_key,
        'odoo'                                                      as source,
        'echeance'                                                  as kind,
        subsidies.remaining_books - totals.schedule_total           as amount,
        subsidies.remaining_books - totals.schedule_total           as scheduled_amount,
        coalesce(moves.next_due_on, moves.move_date)                as expected_on,
        null::date                                                  as received_on
    from subsidies
    join (select distinct subsidy_key, schedule_total from scheduled) as totals using (subsidy_key)
    join marts.odoo_subsidy_moves as moves on moves.subsidy_move_id = subsidies.odoo_move_id
    where subsidies.remaining_books > totals.schedule_total
),

-- Odoo subsidies without échéancier: each receivable line's residual at its due date
receivable_residuals as (
    select
        -lines.move_line_id                                         as instalment_id,
        subsidies.subsidy_key,
        'odoo'                                                      as source,
        'echeance'                                                  as kind,
        lines.amount_residual                                       as amount,
        lines.amount_residual                                       as scheduled_amount,
        coalesce(lines.date_maturity, lines.line_date)              as expected_on,
        null::date                                                  as received_on
    from subsidies
    join staging.stg_odoo__account_move_lines as lines on lines.move_id = subsidies.odoo_move_id
    join staging.stg_odoo__accounts as accounts using (account_id)
    where subsidies.source = 'odoo'
      and not subsidies.has_schedule
      and (starts_with(accounts.account_code, '441') or accounts.account_type = 'asset_receivable')
      and lines.balance > 0
      and lines.amount_residual > 0
),

all_rows as (
    select * from typed_only
    union all select * from receipts
    union all select * from scheduled_awaited
    union all select * from beyond_schedule
    union all select * from receivable_residuals
)

select
    all_rows.instalment_id,
    all_rows.subsidy_key,
    subsidies.subsidy_id,
    subsidies.odoo_move_id,
    all_rows.source,
    subsidies.funder,
    subsidies.scheme,
    subsidies.unit_code,
    subsidies.nature,
    all_rows.kind,
    all_rows.amount::decimal(14, 2)                                 as amount,
    all_rows.scheduled_amount::decimal(14, 2)                       as scheduled_amount,
    all_rows.expected_on,
    all_rows.received_on,
    case
        when all_rows.received_on is not null      then 'reçu'
        when all_rows.expected_on < settings.as_of then 'en retard'
        else 'à venir'
    end                                                             as status,
    case
        when all_rows.received_on is null and all_rows.expected_on < settings.as_of
            then settings.as_of - all_rows.expected_on
    end                                                             as days_late,
    case
        when all_rows.received_on is null
            then greatest(date_trunc('month', all_rows.expected_on),
                          date_trunc('month', settings.as_of))::date
    end                                                             as treasury_month
from all_rows
join subsidies using (subsidy_key)
cross join settings
order by all_rows.subsidy_key, all_rows.expected_on, all_rows.instalment_id
