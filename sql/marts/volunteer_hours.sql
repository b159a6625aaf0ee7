-- volunteer_hours — le bénévolat par membre, unité et mois, et ce qu'il vaut (valorisation du
-- bénévolat, comptes 864 / 875). Lu par « Suivi volontariat » et « Mon tableau de bord ».
--
-- D'après marts.volunteer_contributions (ce qui compte, et sur quelle unité et quel jour). La
-- valorisation est : heures validées × le taux horaire de la configuration ([volunteering]
-- hourly_rate, par défaut le SMIC, 11,88 €/h ; staging.stg_ref__settings.volunteer_hourly_rate).
-- Les heures en attente ne sont pas valorisées.
--
-- Grain: une ligne par personne × unité × mois ayant au moins une contribution.
-- Columns:
--   person_key       la personne (marts.people : son e-mail, ou 'oceco:<id de citoyen>' tant que
--                    non rapprochée)
--   person_email     son e-mail (NULL tant que le citoyen Oceco n'est pas rapproché : people_conflicts)
--   person_name      son nom
--   unit_code        l'unité (pôle) pour laquelle les heures comptent ; la racine de La Raffinerie
--                    quand rien ne la relie
--   unit_name        son nom
--   month            premier jour du mois
--   exercice         l'année où commence l'exercice du mois (fiscal_year_start_month)
--   hours_validated  heures validées par un admin Oceco (et ajustements manuels)
--   hours_pending    heures en attente de validation (finishedBy = toModerate)
--   credits          crédits temps validés sur le mois : gagnés, dépensés (négatifs), ajustés
--   credits_spent    la part dépensée de `credits` (≤ 0)
--   actions_validated participations validées
--   actions_pending  participations en attente de validation
--   hourly_rate      € par heure appliqués
--   valuation        hours_validated × hourly_rate, en euros
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
    any_value(year(marts.exercice_debut(c.month, s.start_month)))              as exercice,
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
