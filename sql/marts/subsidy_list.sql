-- subsidy_list — chaque subvention, une fois : chacune de celles comptabilisées dans Odoo (avec le
-- suivi du membre rattaché s'il y en a un), et chaque suivi saisi dans Alambic qu'aucune subvention
-- Odoo ne rejoint encore. La base des marts subsidy_instalments_timeline et subsidy_tracking.
--
-- Grain: une ligne par subvention.
-- Columns:
--   subsidy_key       'odoo:<id de pièce>' (comptabilisée dans Odoo) | 'saisie:<id de subvention>'
--                     (seulement saisie)
--   subsidy_id        le suivi (app.subsidies), NULL pour une subvention Odoo que personne ne suit
--   odoo_move_id, odoo_move_name   la pièce Odoo de la subvention, NULL pour une subvention seulement saisie
--   source            'odoo' | 'saisie'
--   match             comment le suivi a été rattaché (marts.subsidy_matches : 'lien', 'auto') ;
--                     pour une subvention seulement saisie, son motif ('aucun', 'ambigu',
--                     'introuvable', 'en_double') ; NULL pour une subvention Odoo sans suivi
--   funder            le financeur du suivi tel que saisi, sinon le partenaire Odoo
--   odoo_partner      le partenaire Odoo (subventions Odoo)
--   scheme            le dispositif / AAP du suivi, sinon la référence ou le libellé de la pièce Odoo
--   referent_email, nature, report_due_on, requested_on, granted_on, notified_on   ceux du
--                     suivi (nature 'fonctionnement' pour une subvention Odoo sans suivi : les 74…
--                     sont des subventions d'exploitation)
--   unit_code         subventions Odoo : l'unité de la distribution analytique des lignes 74…,
--                     sinon l'unité du suivi, sinon l'organisation ; seulement saisie : l'unité du suivi
--   demande           montant demandé (suivi), NULL quand personne ne l'a saisi
--   accorde           Odoo : le crédit 74… de la pièce ; seulement saisie : le montant accordé saisi
--   verse_books       Odoo : ce que les créances ont reçu (marts.odoo_subsidy_receipts, types
--                     'banque' et 'paiement') ; NULL pour une subvention seulement saisie
--   remaining_books   Odoo : le résiduel des créances ; NULL pour une subvention seulement saisie
--   move_date         la date de la pièce Odoo
--   period_start, period_end   la période de réalisation saisie, NULL quand elle n'est pas saisie
--   anchor_date       la date dont l'exercice contient la subvention quand aucune période n'est
--                     saisie : le début de période saisi, sinon (Odoo) la date de la pièce, sinon
--                     la date d'attribution, de notification ou de demande, sinon as_of
--   has_schedule      un suivi avec au moins une échéance saisie (son échéancier)
with settings as (
    select as_of from staging.stg_ref__settings
),

followups as (
    select subsidies.*, matches.subsidy_move_id, matches.match
    from app.subsidies as subsidies
    join marts.subsidy_matches as matches using (subsidy_id)
),

schedules as (
    select distinct subsidy_id from app.subsidy_instalments
),

received as (
    select subsidy_move_id, sum(amount) as verse
    from marts.odoo_subsidy_receipts
    where kind in ('banque', 'paiement')
    group by subsidy_move_id
),

from_odoo as (
    select
        'odoo:' || moves.subsidy_move_id                                      as subsidy_key,
        followups.subsidy_id,
        moves.subsidy_move_id                                                 as odoo_move_id,
        moves.move_name                                                       as odoo_move_name,
        'odoo'                                                                as source,
        followups.match,
        coalesce(followups.funder, moves.funder)                             as funder,
        moves.funder                                                          as odoo_partner,
        coalesce(nullif(followups.scheme, ''), moves.label)                  as scheme,
        followups.referent_email,
        coalesce(followups.nature, 'fonctionnement')                          as nature,
        followups.report_due_on,
        followups.requested_on,
        followups.granted_on,
        followups.notified_on,
        case when moves.unit_from_books then moves.unit_code
             else coalesce(followups.unit_code, moves.unit_code) end          as unit_code,
        followups.amount_requested                                            as demande,
        moves.granted                                                         as accorde,
        coalesce(received.verse, 0)                                           as verse_books,
        moves.remaining                                                       as remaining_books,
        moves.move_date,
        followups.period_start,
        followups.period_end,
        coalesce(followups.period_start, moves.move_date)                    as anchor_date,
        schedules.subsidy_id is not null                                      as has_schedule
    from marts.odoo_subsidy_moves as moves
    left join followups using (subsidy_move_id)
    left join received using (subsidy_move_id)
    left join schedules on schedules.subsidy_id = followups.subsidy_id
),

from_followups as (
    select
        'saisie:' || followups.subsidy_id                                     as subsidy_key,
        followups.subsidy_id,
        null::bigint                                                          as odoo_move_id,
        null::varchar                                                         as odoo_move_name,
        'saisie'                                                              as source,
        followups.match,
        followups.funder,
        null::varchar                                                         as odoo_partner,
        followups.scheme,
        followups.referent_email,
        followups.nature,
        followups.report_due_on,
        followups.requested_on,
        followups.granted_on,
        followups.notified_on,
        followups.unit_code,
        followups.amount_requested                                            as demande,
        followups.amount_granted                                              as accorde,
        null::decimal(14, 2)                                                  as verse_books,
        null::decimal(14, 2)                                                  as remaining_books,
        null::date                                                            as move_date,
        followups.period_start,
        followups.period_end,
        coalesce(followups.period_start, followups.granted_on, followups.notified_on,
                 followups.requested_on, settings.as_of)                     as anchor_date,
        schedules.subsidy_id is not null                                      as has_schedule
    from followups
    cross join settings
    left join schedules on schedules.subsidy_id = followups.subsidy_id
    where followups.subsidy_move_id is null
)

select
    subsidy_key, subsidy_id, odoo_move_id, odoo_move_name, source, match, funder, odoo_partner,
    scheme, referent_email, nature, report_due_on, requested_on, granted_on, notified_on, unit_code,
    demande::decimal(14, 2) as demande, accorde::decimal(14, 2) as accorde,
    verse_books::decimal(14, 2) as verse_books, remaining_books::decimal(14, 2) as remaining_books,
    move_date, period_start, period_end, anchor_date, has_schedule
from (select * from from_odoo union all by name select * from from_followups)
order by subsidy_key
