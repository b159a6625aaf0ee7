-- subsidy_tracking — suivi des subventions, by financial year (exercice).
--
-- Grain: one row per subsidy (marts.subsidy_list: each subsidy booked in Odoo, with its
-- follow-up when a member keeps one, and each follow-up typed that no Odoo subsidy matches yet)
-- × exercice its période de réalisation covers. A subsidy whose period spans two exercices (an
-- investment over 18 months) has a row in each: its own amounts (demande … reste_a_depenser) are
-- then REPEATED on each row — they describe the subsidy as a whole, at as_of — while
-- verse_exercice and depense_exercice are that exercice's share. Add up demande, accorde, verse …
-- within one exercice, not across them.
-- Columns:
--   subsidy_key       'odoo:<move id>' | 'saisie:<subsidy id>' (marts.subsidy_list)
--   subsidy_id        the follow-up (app.subsidies); NULL for an Odoo subsidy nobody follows up
--   source            'odoo' (booked in Odoo) | 'saisie' (typed only, not in Odoo yet)
--   odoo_move_id, odoo_move_name, odoo_partner   the Odoo subsidy move and its partner
--   match             how the follow-up is attached (marts.subsidy_matches)
--   exercice          the year the exercice starts in (fiscal_year_start_month of ref.settings)
--   exercice_label    '2025' when the exercice is the calendar year, else '2025-2026'
--   exercice_start, exercice_end   its first and last day
--   funder, scheme, referent_email, unit_code, nature   (marts.subsidy_list)
--   demande           amount requested (typed; NULL when nobody typed it)
--   accorde           amount granted: the 74… credit of the Odoo move; typed-only: as typed
--                     (NULL while not granted)
--   verse             received: Odoo — the payments reconciled with its receivables, partial
--                     ones included (marts.odoo_subsidy_receipts); typed-only — the instalments
--                     with received_on, whatever their date
--   reste_a_percevoir Odoo — the receivables' residual (amount_residual); typed-only —
--                     accorde − verse (0 granted while not granted)
--   depense           APPROXIMATION: the réel dépenses booked in Odoo (marts.budget_lines, source
--                     'odoo', counts_as 'reel', direction 'depense') of the funded unit and the
--                     units below it (marts.org_rollup), dated within the période de réalisation.
--                     It is what the unit spent over the period, not what was justified to this
--                     funder: two subsidies of one unit over one period see the same expenses.
--   reste_a_depenser  accorde − depense (0 granted while not granted); negative: the unit spent
--                     more than the subsidy over the period
--   verse_exercice    received within the exercice (by the bank date for Odoo)
--   depense_exercice  depense restricted to the days of the period within the exercice
--   period_start, period_end   the période de réalisation; when not typed, the exercice of the
--                     Odoo move's date (else the grant, notification, request date, as_of)
--   report_due_on     compte rendu financier due date (typed)
--   next_expected_on  the earliest expected date of an amount still awaited
--                     (marts.subsidy_instalments_timeline; it may be past: see
--                     has_late_instalment); NULL when nothing is awaited
--   next_expected_amount  the amount expected on that date
--   has_late_instalment   an amount awaited whose expected date is before as_of
-- Amounts DECIMAL(14,2).

with settings as (
    select
        max(case when key = 'as_of' then value::date end)                                      as as_of,
        coalesce(max(case when key = 'fiscal_year_start_month' then value::integer end), 1)     as start_month
    from ref.settings
),

subsidies as (
    select subsidies.*, settings.start_month
    from marts.subsidy_list as subsidies
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
        effective.subsidy_key,
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

timeline as (
    select * from marts.subsidy_instalments_timeline
),

instalments as (
    select
        subsidy_key,
        coalesce(sum(amount) filter (where received_on is not null), 0)     as verse,
        min(expected_on) filter (where received_on is null)                 as next_expected_on,
        bool_or(status = 'en retard')                                       as has_late_instalment
    from timeline
    group by subsidy_key
),

next_amounts as (
    select instalments.subsidy_key, sum(timeline.amount) as next_expected_amount
    from instalments
    join timeline
        on timeline.subsidy_key = instalments.subsidy_key
       and timeline.expected_on = instalments.next_expected_on
       and timeline.received_on is null
    group by instalments.subsidy_key
),

received_by_exercice as (
    select exercices.subsidy_key, exercices.exercice_start, sum(timeline.amount) as verse_exercice
    from exercices
    join timeline
        on timeline.subsidy_key = exercices.subsidy_key
       and timeline.received_on between exercices.exercice_start and exercices.exercice_end
    group by all
),

-- the real expenses booked in Odoo for the funded unit and the units below it
unit_expenses as (
    select effective.subsidy_key, lines.line_date, lines.amount
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
    select subsidy_key, sum(amount) as depense
    from unit_expenses
    group by subsidy_key
),

spent_by_exercice as (
    select exercices.subsidy_key, exercices.exercice_start, sum(unit_expenses.amount) as depense_exercice
    from exercices
    join unit_expenses
        on unit_expenses.subsidy_key = exercices.subsidy_key
       and unit_expenses.line_date between exercices.exercice_start and exercices.exercice_end
    group by all
)

select
    effective.subsidy_key,
    effective.subsidy_id,
    effective.source,
    effective.odoo_move_id,
    effective.odoo_move_name,
    effective.odoo_partner,
    effective.match,
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
    effective.demande,
    effective.accorde,
    coalesce(instalments.verse, 0)::decimal(14, 2)                            as verse,
    case when effective.source = 'odoo' then effective.remaining_books
         else (coalesce(effective.accorde, 0) - coalesce(instalments.verse, 0))::decimal(14, 2)
    end                                                                       as reste_a_percevoir,
    coalesce(spent.depense, 0)::decimal(14, 2)                                as depense,
    (coalesce(effective.accorde, 0) - coalesce(spent.depense, 0))::decimal(14, 2)
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
join exercices using (subsidy_key)
left join instalments using (subsidy_key)
left join next_amounts using (subsidy_key)
left join spent using (subsidy_key)
left join received_by_exercice using (subsidy_key, exercice_start)
left join spent_by_exercice using (subsidy_key, exercice_start)
order by exercice, effective.subsidy_key
