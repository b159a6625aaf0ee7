-- unit_alerts — the alerts of the Tableau de bord: one row per alert.
--
-- Grain: one row per alert. An alert is on the unit it concerns; a page for unit U shows the
-- alerts of U and of the units below it:
--   select a.* from marts.unit_alerts a join marts.org_rollup r using (unit_code)
--   where r.ancestor_code = U
-- Columns:
--   alert_key      unique key: '<alert_code>:<unit>:<category or subsidy or instalment or month>'
--   alert_code     'depassement' | 'ecart_previsionnel' | 'echeance_en_retard' |
--                  'compte_rendu_proche' | 'tresorerie_basse'
--   severity       'haute' (depassement, echeance_en_retard, tresorerie_basse) |
--                  'moyenne' (ecart_previsionnel, compte_rendu_proche) |
--                  'info' when the amount at stake is below [alerts] materiality (ref.settings
--                  'materiality', in euros): a 10 € overrun is no emergency
--   stake          DECIMAL(14,2) ≥ 0: the amount at stake, what the alerts are ordered by — the
--                  overrun, |the gap|, the instalment awaited, how far the balance falls under the
--                  threshold; NULL for a compte rendu (it is about a date)
--   periode        the period, as the filters write it, where the alert's figure shows: the
--                  current exercice for the budget alerts, the subsidy's own exercice (the one
--                  holding the date, else its last) for a subsidy, the month's exercice for cash
--   unit_code      the unit concerned; the root of the tree ('R') for organisation-wide alerts
--   category_code  the budget category (depassement, ecart_previsionnel), else NULL
--   subsidy_id     the subsidy (echeance_en_retard, compte_rendu_proche), else NULL
--   label          what the alert says, in French
--   amount         DECIMAL(14,2): the overrun (reel + engage − previsionnel), the gap
--                  (reel − previsionnel), the instalment awaited, the month's closing balance;
--                  NULL for a compte rendu
--   alert_date     the instalment's expected date, the report's due date, the month; NULL for
--                  the budget alerts (they are about the exercice)
--   link           the page and query string of its detail, e.g.
--                  'suivi-budgetaire?unite=303&periode=2025', 'plan-de-tresorerie?periode=2025'
--
-- Rules (as_of, thresholds: ref.settings; the current exercice is the financial year holding
-- as_of, fiscal_year_start_month; its period is written '2025' when it is the calendar year,
-- else 'EX2025', as the period filters read it):
--   depassement          per unit × dépense category, over the months of the current exercice
--                        (marts.budget_vs_actual): marts.depassement (sql/macros/figures.sql),
--                        the amount marts.montant_depassement
--   ecart_previsionnel   per unit × category with a prévisionnel, over the months of the current
--                        exercice already over (before the as_of month):
--                        |reel − previsionnel| > forecast_gap_ratio × previsionnel
--   echeance_en_retard   per subsidy instalment not received whose expected date is before as_of
--   compte_rendu_proche  per subsidy whose report_due_on falls between as_of and as_of +
--                        report_due_days (Alambic does not know whether a past one was sent:
--                        past due dates raise nothing)
--   tresorerie_basse     per 'previsionnel' month of marts.treasury_plan whose closing balance is
--                        below the threshold (cash_threshold)

with settings as (
    select
        max(case when key = 'as_of' then value::date end)                                    as as_of,
        coalesce(max(case when key = 'fiscal_year_start_month' then value::integer end), 1)  as start_month,
        coalesce(max(case when key = 'forecast_gap_ratio' then value::decimal(9, 4) end), 0.15)
                                                                                              as gap_ratio,
        coalesce(max(case when key = 'report_due_days' then value::integer end), 60)          as report_due_days,
        coalesce(max(case when key = 'materiality' then value::decimal(14, 2) end), 0)        as materiality,
        coalesce(max(case when key = 'cash_threshold' then value::decimal(14, 2) end), 0)     as cash_threshold
    from ref.settings
),

exercice as (
    select
        settings.*,
        make_date(year(as_of) - (month(as_of) < start_month)::integer, start_month, 1) as exercice_start
    from settings
),

current_exercice as (
    select
        *,
        (exercice_start + interval 1 year)::date                        as next_exercice_start,
        date_trunc('month', as_of)::date                                as as_of_month,
        case when start_month = 1 then year(exercice_start)::varchar
             else year(exercice_start) || '-' || (year(exercice_start) + 1) end as exercice_label,
        case when start_month = 1 then year(exercice_start)::varchar
             else 'EX' || year(exercice_start) end                      as periode
    from exercice
),

root as (
    select unit_code from ref.units where parent_code is null
),

-- the exercice where a subsidy's date (an instalment's, its report's) shows on Suivi subventions:
-- the subsidy's exercice (marts.subsidy_tracking) holding that day, else its last one
-- (by subsidy_key: a subsidy booked in Odoo that nobody follows up has no subsidy_id)
subsidy_days as (
    select subsidy_key, expected_on as day from marts.subsidy_instalments_timeline
    union
    select tracking.subsidy_key, subsidies.report_due_on
    from app.subsidies as subsidies
    join marts.subsidy_tracking as tracking using (subsidy_id)
    where subsidies.report_due_on is not null
),

subsidy_periode as (
    select
        days.subsidy_key,
        days.day,
        marts.exercice_periode(
            coalesce(max(tracking.exercice_start) filter (
                         where days.day between tracking.exercice_start and tracking.exercice_end),
                     max(tracking.exercice_start)),
            any_value(current_exercice.start_month))                  as periode
    from subsidy_days as days
    join marts.subsidy_tracking as tracking using (subsidy_key)
    cross join current_exercice
    group by all
),

budget as (
    select
        bva.unit_code,
        bva.category_code,
        bva.direction,
        sum(bva.previsionnel)                                                   as previsionnel,
        sum(bva.engage)                                                         as engage,
        sum(bva.reel)                                                           as reel,
        coalesce(sum(bva.previsionnel) filter (where bva.month < current_exercice.as_of_month), 0)
                                                                                as previsionnel_passe,
        coalesce(sum(bva.reel) filter (where bva.month < current_exercice.as_of_month), 0)
                                                                                as reel_passe
    from marts.budget_vs_actual as bva
    cross join current_exercice
    where bva.month >= current_exercice.exercice_start
      and bva.month <  current_exercice.next_exercice_start
    group by all
),

named_budget as (
    select
        budget.*,
        coalesce(categories.label, budget.category_code) as category_label,
        coalesce(units.name, budget.unit_code)           as unit_name
    from budget
    left join ref.categories as categories using (category_code)
    left join ref.units as units using (unit_code)
),

overruns as (
    select
        'depassement:' || unit_code || ':' || category_code || ':' || exercice_label as alert_key,
        'depassement'                                                 as alert_code,
        'haute'                                                       as severity,
        unit_code,
        category_code,
        null::bigint                                                  as subsidy_id,
        'Dépassement : ' || category_label || ', ' || unit_name || ', ' || exercice_label as label,
        marts.montant_depassement(direction, reel, engage, previsionnel) as amount,
        marts.montant_depassement(direction, reel, engage, previsionnel) as stake,
        periode,
        null::date                                                    as alert_date,
        'suivi-budgetaire?unite=' || unit_code || '&periode=' || periode as link
    from named_budget
    cross join current_exercice
    where marts.depassement(direction, reel, engage, previsionnel)
),

gaps as (
    select
        'ecart_previsionnel:' || unit_code || ':' || category_code || ':' || exercice_label as alert_key,
        'ecart_previsionnel'                                          as alert_code,
        'moyenne'                                                     as severity,
        unit_code,
        category_code,
        null::bigint                                                  as subsidy_id,
        'Écart prévisionnel / réel de '
            || printf('%+d', round((reel_passe - previsionnel_passe) * 100 / previsionnel_passe)::integer)
            || chr(160) || '% : ' || category_label || ', ' || unit_name || ', ' || exercice_label as label,
        (reel_passe - previsionnel_passe)::decimal(14, 2)             as amount,
        abs(reel_passe - previsionnel_passe)::decimal(14, 2)          as stake,
        periode,
        null::date                                                    as alert_date,
        'suivi-budgetaire?unite=' || unit_code || '&periode=' || periode as link
    from named_budget
    cross join current_exercice
    where previsionnel_passe > 0
      and abs(reel_passe - previsionnel_passe) > gap_ratio * previsionnel_passe
),

late_instalments as (
    select
        'echeance_en_retard:' || timeline.unit_code || ':' || timeline.instalment_id as alert_key,
        'echeance_en_retard'                                          as alert_code,
        'haute'                                                       as severity,
        timeline.unit_code,
        null::varchar                                                 as category_code,
        timeline.subsidy_id,
        'Versement en retard : ' || timeline.kind || ' ' || timeline.funder
            || coalesce(' (' || nullif(timeline.scheme, '') || ')', '')
            || ', attendu le ' || strftime(timeline.expected_on, '%d/%m/%Y') as label,
        timeline.amount::decimal(14, 2)                               as amount,
        timeline.amount::decimal(14, 2)                               as stake,
        subsidy_periode.periode,
        timeline.expected_on                                          as alert_date,
        'suivi-subventions?unite=' || timeline.unit_code || '&periode=' || subsidy_periode.periode
            || coalesce('&subvention=' || timeline.subsidy_id, '')    as link
    from marts.subsidy_instalments_timeline as timeline
    cross join current_exercice
    join subsidy_periode
      on subsidy_periode.subsidy_key = timeline.subsidy_key and subsidy_periode.day = timeline.expected_on
    where timeline.status = 'en retard'
),

reports_due as (
    select
        'compte_rendu_proche:' || subsidies.unit_code || ':' || subsidies.subsidy_id as alert_key,
        'compte_rendu_proche'                                         as alert_code,
        'moyenne'                                                     as severity,
        subsidies.unit_code,
        null::varchar                                                 as category_code,
        subsidies.subsidy_id,
        'Compte rendu financier à rendre : ' || subsidies.funder
            || coalesce(' (' || nullif(subsidies.scheme, '') || ')', '')
            || ', le ' || strftime(subsidies.report_due_on, '%d/%m/%Y') as label,
        null::decimal(14, 2)                                          as amount,
        null::decimal(14, 2)                                          as stake,
        subsidy_periode.periode,
        subsidies.report_due_on                                       as alert_date,
        'suivi-subventions?unite=' || subsidies.unit_code || '&periode=' || subsidy_periode.periode
            || '&subvention=' || subsidies.subsidy_id                 as link
    from app.subsidies as subsidies
    cross join current_exercice
    join (select distinct subsidy_id, subsidy_key from marts.subsidy_tracking) as tracking_key
      on tracking_key.subsidy_id = subsidies.subsidy_id
    join subsidy_periode
      on subsidy_periode.subsidy_key = tracking_key.subsidy_key and subsidy_periode.day = subsidies.report_due_on
    where subsidies.report_due_on between current_exercice.as_of
                                      and current_exercice.as_of + current_exercice.report_due_days
),

low_cash as (
    select
        'tresorerie_basse:' || root.unit_code || ':' || strftime(plan.month, '%Y-%m') as alert_key,
        'tresorerie_basse'                                            as alert_code,
        'haute'                                                       as severity,
        root.unit_code,
        null::varchar                                                 as category_code,
        null::bigint                                                  as subsidy_id,
        'Trésorerie prévisionnelle sous le seuil : '
            || ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin',
                'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'][month(plan.month)]
            || ' ' || year(plan.month)                                as label,
        plan.closing_balance                                          as amount,
        greatest(current_exercice.cash_threshold - plan.closing_balance, 0)::decimal(14, 2) as stake,
        marts.exercice_periode(plan.month, current_exercice.start_month) as periode,
        plan.month                                                    as alert_date,
        'plan-de-tresorerie?periode='
            || marts.exercice_periode(plan.month, current_exercice.start_month) as link
    from marts.treasury_plan as plan
    cross join root
    cross join current_exercice
    where plan.kind = 'previsionnel'
      and plan.below_threshold
),

alerts as (
    select * from overruns
    union all
    select * from gaps
    union all
    select * from late_instalments
    union all
    select * from reports_due
    union all
    select * from low_cash
)

select
    alert_key,
    alert_code,
    case when stake is not null and stake < materiality then 'info' else severity end as severity,
    unit_code,
    category_code,
    subsidy_id,
    label,
    amount,
    stake,
    periode,
    alert_date,
    link
from alerts
cross join settings
order by case when stake is not null and stake < materiality then 2
              when severity = 'haute' then 0 else 1 end,
         stake desc nulls last, alert_code, unit_code, alert_key
