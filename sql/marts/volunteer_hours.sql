-- volunteer_hours — volunteering per member, unit and month, and what it is worth (valorisation
-- du bénévolat, comptes 864 / 875). Read by « Suivi volontariat » and « Mon tableau de bord ».
--
-- From marts.volunteer_contributions (what counts, and on which unit and day). The valuation is the
-- validated hours × the hourly rate of the configuration ([volunteering] hourly_rate, by default the
-- SMIC, 11,88 €/h; staging.stg_ref__settings.volunteer_hourly_rate). Pending hours are not valued.
--
-- Grain: one row per person × unit × month with at least one contribution.
-- Columns:
--   person_key       the person (marts.people: their e-mail, or 'oceco:<citoyen id>' until matched)
--   person_email     their e-mail (NULL while the Oceco citizen is not matched: people_conflicts)
--   person_name      their name
--   unit_code        the unit (pôle) the hours count for; La Raffinerie's root when not tied
--   unit_name        its name
--   month            first day of the month
--   exercice         the year the month's fiscal year starts in (fiscal_year_start_month)
--   hours_validated  hours validated by an Oceco admin (and manual adjustments)
--   hours_pending    hours waiting for validation (finishedBy = toModerate)
--   credits          time credits validated over the month: earned, spent (negative), adjusted
--   credits_spent    the spent part of `credits` (≤ 0)
--   actions_validated participations validated
--   actions_pending  participations waiting for validation
--   hourly_rate      € per hour used
--   valuation        hours_validated × hourly_rate, in euros
with settings as (
    select volunteer_hourly_rate as hourly_rate, coalesce(fiscal_year_start_month, 1) as start_month
    from staging.stg_ref__settings
)

select
    c.person_key,
    min(c.person_email)                                                         as person_email,
    min(c.person_name)                                                          as person_name,
    c.unit_code,
    any_value(u.name)                                                           as unit_name,
    c.month,
    any_value(case when month(c.month) >= s.start_month then year(c.month)
                   else year(c.month) - 1 end)                                  as exercice,
    coalesce(sum(c.hours) filter (where c.state = 'validated'), 0)::decimal(12, 2) as hours_validated,
    coalesce(sum(c.hours) filter (where c.state = 'pending'), 0)::decimal(12, 2)   as hours_pending,
    coalesce(sum(c.credits) filter (where c.state = 'validated'), 0)::decimal(12, 2) as credits,
    coalesce(sum(c.credits) filter (where c.state = 'validated' and c.kind = 'spend'), 0)::decimal(12, 2)
                                                                                as credits_spent,
    count(*) filter (where c.state = 'validated' and c.kind = 'action')         as actions_validated,
    count(*) filter (where c.state = 'pending')                                 as actions_pending,
    any_value(s.hourly_rate)                                                    as hourly_rate,
    round(coalesce(sum(c.hours) filter (where c.state = 'validated'), 0) * any_value(s.hourly_rate), 2)::decimal(14, 2)
                                                                                as valuation
from marts.volunteer_contributions as c
cross join settings as s
left join ref.units as u on u.unit_code = c.unit_code
group by c.person_key, c.unit_code, c.month
