-- subsidy_tracking — suivi des subventions, par exercice.
--
-- Grain: une ligne par subvention (marts.subsidy_list : chaque subvention comptabilisée dans Odoo,
-- avec son suivi quand un membre en tient un, et chaque suivi saisi qu'aucune subvention Odoo ne
-- rejoint encore) × exercice couvert par sa période de réalisation. Une subvention dont la période
-- s'étend sur deux exercices (un investissement sur 18 mois) a une ligne dans chacun : ses montants
-- propres (demande … reste_a_depenser) sont alors RÉPÉTÉS sur chaque ligne — ils décrivent la
-- subvention dans son ensemble, à as_of — tandis que verse_exercice et depense_exercice sont la
-- part de cet exercice. Additionner demande, accorde, verse … au sein d'un exercice, pas d'un
-- exercice à l'autre.
-- Columns:
--   subsidy_key       'odoo:<id de pièce>' | 'saisie:<id de subvention>' (marts.subsidy_list)
--   subsidy_id        le suivi (app.subsidies) ; NULL pour une subvention Odoo que personne ne suit
--   source            'odoo' (comptabilisée dans Odoo) | 'saisie' (seulement saisie, pas encore dans Odoo)
--   odoo_move_id, odoo_move_name, odoo_partner   la pièce Odoo de la subvention et son partenaire
--   match             comment le suivi est rattaché (marts.subsidy_matches)
--   exercice          l'année où commence l'exercice (fiscal_year_start_month de staging.stg_ref__settings)
--   exercice_label    '2025' quand l'exercice est l'année civile, sinon '2025-2026'
--   exercice_start, exercice_end   son premier et son dernier jour
--   funder, scheme, referent_email, unit_code, nature   ceux de marts.subsidy_list
--   demande           montant demandé (saisi ; NULL quand personne ne l'a saisi)
--   accorde           montant accordé : le crédit 74… de la pièce Odoo ; seulement saisie : tel que
--                     saisi (NULL tant que non accordée)
--   verse             reçu : Odoo — les paiements lettrés avec ses créances, partiels compris
--                     (marts.odoo_subsidy_receipts) ; seulement saisie — les échéances ayant une
--                     received_on, quelle que soit leur date
--   reste_a_percevoir Odoo — le résiduel des créances (amount_residual) ; seulement saisie —
--                     accorde − verse (0 accordé tant que non accordée)
--   depense           APPROXIMATION : les dépenses réelles comptabilisées dans Odoo
--                     (marts.budget_lines, source 'odoo', counts_as 'reel', direction 'depense') de
--                     l'unité financée et des unités en dessous (marts.org_rollup), datées dans la
--                     période de réalisation. C'est ce que l'unité a dépensé sur la période, pas ce
--                     qui a été justifié à ce financeur : deux subventions d'une même unité sur une
--                     même période voient les mêmes dépenses.
--   reste_a_depenser  accorde − depense (0 accordé tant que non accordée) ; négatif : l'unité a
--                     dépensé plus que la subvention sur la période
--   verse_exercice    reçu au cours de l'exercice (à la date bancaire pour Odoo)
--   depense_exercice  depense limitée aux jours de la période compris dans l'exercice
--   period_start, period_end   la période de réalisation ; quand elle n'est pas saisie, l'exercice
--                     de la date de la pièce Odoo (sinon de la date d'attribution, de notification,
--                     de demande, d'as_of)
--   report_due_on     date limite du compte rendu financier (saisie)
--   next_expected_on  la plus proche date attendue d'un montant encore attendu
--                     (marts.subsidy_instalments_timeline ; elle peut être passée : voir
--                     has_late_instalment) ; NULL quand rien n'est attendu
--   next_expected_amount  le montant attendu à cette date
--   has_late_instalment   un montant attendu dont la date prévue est avant as_of
-- Montants en DECIMAL(14,2).

with settings as (
    select as_of, fiscal_year_start_month as start_month
    from staging.stg_ref__settings
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
        marts.exercice_debut(anchor_date, start_month)
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
            marts.exercice_debut(effective_start, start_month)::timestamp,
            marts.exercice_debut(effective_end, start_month)::timestamp,
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
