-- subsidy_list — every subsidy, once: each one booked in Odoo (with the member's follow-up
-- attached when there is one), and each follow-up typed in Alambic that no Odoo subsidy matches
-- yet. The base of the marts subsidy_instalments_timeline and subsidy_tracking.
--
-- Grain: one row per subsidy.
-- Columns:
--   subsidy_key       'odoo:<move id>' (booked in Odoo) | 'saisie:<subsidy id>' (typed only)
--   subsidy_id        the follow-up (app.subsidies), NULL for an Odoo subsidy nobody follows up
--   odoo_move_id, odoo_move_name   the Odoo subsidy move, NULL for a typed-only one
--   source            'odoo' | 'saisie'
--   match             how the follow-up was attached (marts.subsidy_matches: 'lien', 'auto');
--                     for a typed-only one its reason ('aucun', 'ambigu', 'introuvable',
--                     'en_double'); NULL for an Odoo subsidy without follow-up
--   funder            the follow-up's funder as typed, else the Odoo partner
--   odoo_partner      the Odoo partner (Odoo subsidies)
--   scheme            the follow-up's dispositif / AAP, else the Odoo move's reference or label
--   referent_email, nature, report_due_on, requested_on, granted_on, notified_on   the
--                     follow-up's (nature 'fonctionnement' for an Odoo subsidy without one: 74…
--                     are operating subsidies)
--   unit_code         Odoo subsidies: the unit of the 74… lines' analytic distribution, else the
--                     follow-up's unit, else the organisation; typed-only: the follow-up's unit
--   demande           amount requested (follow-up), NULL when nobody typed it
--   accorde           Odoo: the 74… credit of the move; typed-only: the amount granted typed
--   verse_books       Odoo: what the receivables received (marts.odoo_subsidy_receipts, kinds
--                     'banque' and 'paiement'); NULL for typed-only
--   remaining_books   Odoo: the receivables' residual; NULL for typed-only
--   move_date         the Odoo move's date
--   period_start, period_end   the période de réalisation typed, NULL when not typed
--   anchor_date       the date whose exercice holds the subsidy when no period is typed: the
--                     period start typed, else (Odoo) the move's date, else the grant,
--                     notification or request date, else as_of
--   has_schedule      a follow-up with at least one instalment typed (its échéancier)
with settings as (
    select max(case when key = 'as_of' then value::date end) as as_of from ref.settings
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
