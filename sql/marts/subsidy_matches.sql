-- subsidy_matches — which subsidy booked in Odoo each member's follow-up (app.subsidies) belongs
-- to, and how that was decided. Never guessed when in doubt.
--
-- Grain: one row per app.subsidies row.
-- Columns:
--   subsidy_id        the follow-up (app.subsidies)
--   subsidy_move_id   the Odoo subsidy it is attached to (marts.odoo_subsidy_moves), or NULL
--   match             'lien'        a member chose the Odoo move (app.subsidies.odoo_move_id)
--                     'auto'        matched by the rule below
--                     'ambigu'      several Odoo subsidies fit it, or the one that fits fits
--                                   other follow-ups too: not attached, a member must choose
--                     'aucun'       no Odoo subsidy fits (not booked yet: shown from what was
--                                   typed, and matched when it appears)
--                     'introuvable' the Odoo move chosen is not (or no longer) a posted subsidy
--                     'en_double'   another follow-up with a lower id already names that move
--   candidates        how many Odoo subsidies fit it (rule below), for 'auto', 'ambigu', 'aucun'
--
-- Rule for 'auto': among the Odoo subsidies no member has chosen, those of the same funder (the
-- Odoo partner id typed in the follow-up, or the partner's name equal to the funder typed,
-- ignoring case and surrounding spaces), whose amount granted in the books equals the amount
-- granted typed, booked in the exercice of the follow-up's notification date (else grant date,
-- else start of the period, else request date, else as_of). Attached only when exactly one fits
-- the follow-up AND that Odoo subsidy fits no other follow-up.
with settings as (
    select
        max(case when key = 'as_of' then value::date end)                                  as as_of,
        coalesce(max(case when key = 'fiscal_year_start_month' then value::integer end), 1) as start_month
    from ref.settings
),

followups as (
    select
        subsidies.subsidy_id,
        subsidies.funder,
        subsidies.odoo_partner_id,
        subsidies.odoo_move_id,
        subsidies.amount_granted,
        coalesce(subsidies.notified_on, subsidies.granted_on, subsidies.period_start,
                 subsidies.requested_on, settings.as_of)                   as anchor_date,
        settings.start_month
    from app.subsidies as subsidies
    cross join settings
),

anchored as (
    select
        *,
        make_date(year(anchor_date) - (month(anchor_date) < start_month)::integer, start_month, 1)
            as exercice_start
    from followups
),

chosen as (
    select
        anchored.subsidy_id,
        anchored.odoo_move_id,
        moves.subsidy_move_id is not null                                   as found,
        row_number() over (partition by anchored.odoo_move_id order by anchored.subsidy_id) as rank
    from anchored
    left join marts.odoo_subsidy_moves as moves on moves.subsidy_move_id = anchored.odoo_move_id
    where anchored.odoo_move_id is not null
),

taken as (
    select odoo_move_id as subsidy_move_id from chosen where found
),

candidates as (
    select anchored.subsidy_id, moves.subsidy_move_id
    from anchored
    join marts.odoo_subsidy_moves as moves
        on (anchored.odoo_partner_id = moves.partner_id
            or lower(trim(anchored.funder)) = lower(trim(moves.funder)))
       and anchored.amount_granted = moves.granted
       and anchored.exercice_start = moves.exercice_start
    where anchored.odoo_move_id is null
      and moves.subsidy_move_id not in (select subsidy_move_id from taken)
),

counted as (
    select
        subsidy_id,
        subsidy_move_id,
        count(*) over (partition by subsidy_id)      as per_followup,
        count(*) over (partition by subsidy_move_id) as per_move
    from candidates
),

candidate_counts as (
    select subsidy_id, count(*) as candidates from candidates group by subsidy_id
)

select
    anchored.subsidy_id,
    case
        when chosen.found and chosen.rank = 1 then chosen.odoo_move_id
        when chosen.subsidy_id is null then unique_match.subsidy_move_id
    end                                                              as subsidy_move_id,
    case
        when chosen.subsidy_id is not null and not chosen.found then 'introuvable'
        when chosen.subsidy_id is not null and chosen.rank > 1   then 'en_double'
        when chosen.subsidy_id is not null                       then 'lien'
        when unique_match.subsidy_move_id is not null            then 'auto'
        when coalesce(candidate_counts.candidates, 0) > 0        then 'ambigu'
        else 'aucun'
    end                                                              as match,
    case when chosen.subsidy_id is null then coalesce(candidate_counts.candidates, 0) end as candidates
from anchored
left join chosen using (subsidy_id)
left join (select subsidy_id, subsidy_move_id from counted where per_followup = 1 and per_move = 1)
    as unique_match using (subsidy_id)
left join candidate_counts using (subsidy_id)
order by anchored.subsidy_id
