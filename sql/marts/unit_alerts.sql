-- unit_alerts — les alertes du Tableau de bord : une ligne par alerte.
--
-- Grain: une ligne par alerte. Une alerte porte sur l'unité qu'elle concerne ; une page de l'unité U
-- montre les alertes de U et des unités en dessous :
--   select a.* from marts.unit_alerts a join marts.org_rollup r using (unit_code)
--   where r.ancestor_code = U
-- Columns:
--   alert_key      clé unique : '<alert_code>:<unité>:<catégorie ou subvention ou échéance ou mois>'
--   alert_code     'depassement' | 'ecart_previsionnel' | 'echeance_en_retard' |
--                  'compte_rendu_proche' | 'tresorerie_basse'
--   severity       'haute' (depassement, echeance_en_retard, tresorerie_basse) |
--                  'moyenne' (ecart_previsionnel, compte_rendu_proche) |
--                  'info' quand le montant en jeu est sous le seuil de matérialité [alerts]
--                  materiality (stg_ref__settings materiality, en euros) : un dépassement de 10 €
--                  n'est pas une urgence
--   stake          DECIMAL(14,2) ≥ 0 : le montant en jeu, qui ordonne les alertes — le
--                  dépassement, |l'écart|, l'échéance attendue, de combien le solde passe sous le
--                  seuil ; NULL pour un compte rendu (il porte sur une date)
--   periode        la période, telle que l'écrivent les filtres, où apparaît le chiffre de
--                  l'alerte : l'exercice en cours pour les alertes budgétaires, l'exercice propre
--                  de la subvention (celui qui contient la date, sinon son dernier) pour une
--                  subvention, l'exercice du mois pour la trésorerie
--   unit_code      l'unité concernée ; la racine de l'arbre ('R') pour les alertes de toute
--                  l'organisation
--   category_code  la catégorie budgétaire (depassement, ecart_previsionnel), sinon NULL
--   subsidy_id     la subvention (echeance_en_retard, compte_rendu_proche), sinon NULL
--   label          ce que dit l'alerte, en français
--   amount         DECIMAL(14,2) : le dépassement (reel + engage − previsionnel), l'écart
--                  (reel − previsionnel), l'échéance attendue, le solde fin du mois ; NULL pour un
--                  compte rendu
--   alert_date     la date prévue de l'échéance, la date limite du compte rendu, le mois ; NULL pour
--                  les alertes budgétaires (elles portent sur l'exercice)
--   link           la page et les paramètres de son détail, p. ex.
--                  'suivi-budgetaire?unite=303&periode=2025', 'plan-de-tresorerie?periode=2025'
--
-- Règles (as_of, seuils : stg_ref__settings ; l'exercice en cours est l'exercice comptable qui contient
-- as_of, fiscal_year_start_month ; sa période s'écrit '2025' quand c'est l'année civile, sinon
-- 'EX2025', comme les filtres de période la lisent) :
--   depassement          par unité × catégorie de dépense, sur les mois de l'exercice en cours
--                        (marts.budget_vs_actual) : marts.depassement (sql/macros/figures.sql), le
--                        montant marts.montant_depassement
--   ecart_previsionnel   par unité × catégorie ayant un prévisionnel, sur les mois de l'exercice en
--                        cours déjà écoulés (avant le mois d'as_of) :
--                        |reel − previsionnel| > forecast_gap_ratio × previsionnel
--   echeance_en_retard   par échéance de subvention non reçue dont la date prévue est avant as_of
--   compte_rendu_proche  par subvention dont le report_due_on tombe entre as_of et as_of +
--                        report_due_days (Alambic ne sait pas si un compte rendu passé a été
--                        envoyé : les dates limites passées ne déclenchent rien)
--   tresorerie_basse     par mois 'previsionnel' de marts.treasury_plan dont le solde fin est sous
--                        le seuil (cash_threshold)

with settings as (
    select
        as_of,
        fiscal_year_start_month          as start_month,
        forecast_gap_ratio::decimal(9, 4) as gap_ratio,
        report_due_days,
        materiality::decimal(14, 2)      as materiality,
        cash_threshold::decimal(14, 2)   as cash_threshold
    from staging.stg_ref__settings
),

exercice as (
    select
        settings.*,
        marts.exercice_debut(as_of, start_month) as exercice_start
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
