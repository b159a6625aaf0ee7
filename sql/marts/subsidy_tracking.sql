-- subsidy_tracking — suivi des subventions, by financial year (exercice).
--
-- Grain: one row per subsidy (app.subsidies) × exercice its période de réalisation covers. A
-- subsidy whose period spans two exercices (an investment over 18 months) has a row in each:
-- its own amounts (demande … reste_a_depenser) are then REPEATED on each row — they describe
-- the subsidy as a whole, at as_of — while verse_exercice and depense_exercice are that
-- exercice's share. Add up demande, accorde, verse … within one exercice, not across them.
-- Columns:
--   subsidy_id        the subsidy (app.subsidies)
--   exercice          the year the exercice starts in (fiscal_year_start_month of ref.settings)
--   exercice_label    '2025' when the exercice is the calendar year, else '2025-2026'
--   exercice_start, exercice_end   its first and last day
--   funder, scheme, referent_email, unit_code, nature   as entered (financeur, dispositif / AAP,
--                     référent·e, unit funded, 'fonctionnement' | 'investissement')
--   demande           amount requested
--   accorde           amount granted (NULL while not granted)
--   verse             instalments received (received_on set), whatever their date
--   reste_a_percevoir accorde − verse (0 granted while not granted)
--   depense           APPROXIMATION: the réel dépenses booked in Odoo (marts.budget_lines, source
--                     'odoo', counts_as 'reel', direction 'depense') of the funded unit and the
--                     units below it (marts.org_rollup), dated within the période de réalisation.
--                     It is what the unit spent over the period, not what was justified to this
--                     funder: two subsidies of one unit over one period see the same expenses.
--   reste_a_depenser  accorde − depense (0 granted while not granted); negative: the unit spent
--                     more than the subsidy over the period
--   verse_exercice    instalments received within the exercice
--   depense_exercice  depense restricted to the days of the period within the exercice
--   period_start, period_end   the période de réalisation; when not entered, the exercice of
--                     the grant (else notification, request, as_of) date
--   report_due_on     compte rendu financier due date
--   next_expected_on  the earliest expected date of an instalment not received yet (it may be
--                     past: see has_late_instalment); NULL when all are received
--   next_expected_amount  the amount expected on that date
--   has_late_instalment   an instalment not received whose expected date is before as_of
-- Amounts DECIMAL(14,2).

with settings as (
    select
        max(case when key = 'as_of' then value::date end)                                      as as_of,
        coalesce(max(case when key = 'fiscal_year_start_month' then value::integer end), 1)     as start_month
    from ref.settings
),

subsidies as (
    select
        subsidies.*,
        coalesce(subsidies.period_start, subsidies.granted_on, subsidies.notified_on,
                 subsidies.requested_on, settings.as_of)                      as anchor_date,
        settings.start_month
    from app.subsidies as subsidies
    cross join settings
),

-- the period: as entered, else the exercice of the anchor date
periods as (
    select
        subsidies.*,
        -- first day of the exercice containing anchor_date
        make_date(year(anchor_date) - (month(anchor_date) < start_month)::integer, start_month, 1)
                                                                              as anchor_exercice_start
    from subsidies
),

effective as (
    select
        periods.*,
        coalesce(period_start, anchor_exercice_start)                                   as effective_start,
        coalesce(period_end, (anchor_exercice_start + interval 1 year - interval 1 day)::date)
                                                                                        as effective_end
    from periods
),

-- one row per exercice the period touches
exercices as (
    select
        effective.subsidy_id,
        exercice_start::date                                                as exercice_start,
        (exercice_start + interval 1 year - interval 1 day)::date           as exercice_end
    from effective,
        unnest(generate_series(
            make_date(year(effective_start) - (month(effective_start) < start_month)::integer,
                      start_month, 1)::timestamp,
            make_date(year(effective_end) - (month(effective_end) < start_month)::integer,
                      start_month, 1)::timestamp,
            interval 1 year
        )) as e(exercice_start)
),

instalments as (
    select
        subsidy_id,
        coalesce(sum(amount) filter (where received_on is not null), 0)     as verse,
        min(expected_on) filter (where received_on is null)                 as next_expected_on,
        bool_or(received_on is null and expected_on < (select as_of from settings)) as has_late_instalment
    from app.subsidy_instalments
    group by subsidy_id
),

next_amounts as (
    select instalments.subsidy_id, sum(app_instalments.amount) as next_expected_amount
    from instalments
    join app.subsidy_instalments as app_instalments
        on app_instalments.subsidy_id = instalments.subsidy_id
       and app_instalments.expected_on = instalments.next_expected_on
       and app_instalments.received_on is null
    group by instalments.subsidy_id
),

received_by_exercice as (
    select exercices.subsidy_id, exercices.exercice_start, sum(app_instalments.amount) as verse_exercice
    from exercices
    join app.subsidy_instalments as app_instalments
        on app_instalments.subsidy_id = exercices.subsidy_id
       and app_instalments.received_on between exercices.exercice_start and exercices.exercice_end
    group by all
),

-- the real expenses booked in Odoo for the funded unit and the units below it
unit_expenses as (
    select effective.subsidy_id, lines.line_date, lines.amount
    from effective
    join marts.org_rollup as rollup
        on rollup.ancestor_code = effective.unit_code
    join marts.budget_lines as lines
        on lines.unit_code = rollup.unit_code
       and lines.line_date between effective.effective_start and effective.effective_end
    where lines.source = 'odoo'
      and lines.counts_as = 'reel'
      and lines.direction = 'depense'
),

spent as (
    select subsidy_id, sum(amount) as depense
    from unit_expenses
    group by subsidy_id
),

spent_by_exercice as (
    select exercices.subsidy_id, exercices.exercice_start, sum(unit_expenses.amount) as depense_exercice
    from exercices
    join unit_expenses
        on unit_expenses.subsidy_id = exercices.subsidy_id
       and unit_expenses.line_date between exercices.exercice_start and exercices.exercice_end
    group by all
)

select
    effective.subsidy_id,
    year(exercices.exercice_start)                                            as exercice,
    case when effective.start_month = 1
        then year(exercices.exercice_start)::varchar
        else year(exercices.exercice_start) || '-' || (year(exercices.exercice_start) + 1)
    end                                                                       as exercice_label,
    exercices.exercice_start,
    exercices.exercice_end,
    effective.funder,
    effective.scheme,
    effective.referent_email,
    effective.unit_code,
    effective.nature,
    effective.amount_requested::decimal(14, 2)                                as demande,
    effective.amount_granted::decimal(14, 2)                                  as accorde,
    coalesce(instalments.verse, 0)::decimal(14, 2)                            as verse,
    (coalesce(effective.amount_granted, 0) - coalesce(instalments.verse, 0))::decimal(14, 2)
                                                                              as reste_a_percevoir,
    coalesce(spent.depense, 0)::decimal(14, 2)                                as depense,
    (coalesce(effective.amount_granted, 0) - coalesce(spent.depense, 0))::decimal(14, 2)
                                                                              as reste_a_depenser,
    coalesce(received_by_exercice.verse_exercice, 0)::decimal(14, 2)          as verse_exercice,
    coalesce(spent_by_exercice.depense_exercice, 0)::decimal(14, 2)           as depense_exercice,
    effective.effective_start                                                 as period_start,
    effective.effective_end                                                   as period_end,
    effective.report_due_on,
    instalments.next_expected_on,
    next_amounts.next_expected_amount::decimal(14, 2)                         as next_expected_amount,
    coalesce(instalments.has_late_instalment, false)                          as has_late_instalment
from effective
join exercices using (subsidy_id)
left join instalments using (subsidy_id)
left join next_amounts using (subsidy_id)
left join spent using (subsidy_id)
left join received_by_exercice using (subsidy_id, exercice_start)
left join spent_by_exercice using (subsidy_id, exercice_start)
order by exercice, effective.subsidy_id
