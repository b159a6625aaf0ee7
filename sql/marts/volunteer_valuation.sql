-- volunteer_valuation — la valorisation annuelle du bénévolat, pour les écritures des comptes
-- 864 « Personnel bénévole » (emplois, débit) et 875 « Bénévolat » (contributions, crédit) au pied
-- du compte de résultat. Un chiffre par exercice, les deux écritures du même montant.
--
-- La somme de marts.volunteer_hours sur l'année (heures validées seulement), valorisée au taux
-- horaire configuré. `booked_in_odoo` est ce qu'Odoo porte déjà en 864* pour cette année (0 quand
-- rien), pour que le comptable voie ce qui reste à comptabiliser.
--
-- Grain: une ligne par exercice ayant du bénévolat.
-- Columns:
--   exercice          l'année où commence l'exercice
--   exercice_start    son premier jour
--   exercice_end      son dernier jour
--   hours_validated   heures validées de l'année
--   hours_pending     heures encore en attente de validation
--   members           personnes ayant des heures validées dans l'année
--   hourly_rate       € par heure
--   valuation         hours_validated × hourly_rate : le montant des écritures 864 et 875
--   account_debit     '864'
--   account_credit    '875'
--   booked_in_odoo    débit net déjà comptabilisé en 864* dans Odoo sur l'exercice
with settings as (
    select volunteer_hourly_rate as hourly_rate, coalesce(fiscal_year_start_month, 1) as start_month
    from staging.stg_ref__settings
),

years as (
    select
        exercice,
        sum(hours_validated)                                             as hours_validated,
        sum(hours_pending)                                               as hours_pending,
        count(distinct person_key) filter (where hours_validated <> 0)   as members
    from marts.volunteer_hours
    group by exercice
),

bounds as (
    select
        years.*,
        make_date(cast(exercice as integer), settings.start_month, 1)                           as exercice_start,
        (make_date(cast(exercice as integer), settings.start_month, 1) + interval 1 year - interval 1 day)::date
                                                                                                as exercice_end,
        settings.hourly_rate
    from years
    cross join settings
),

booked as (
    select b.exercice, sum(ml.debit - ml.credit) as amount
    from bounds as b
    join staging.stg_odoo__account_move_lines as ml
        on ml.line_date between b.exercice_start and b.exercice_end
    join staging.stg_odoo__accounts as acc on acc.account_id = ml.account_id
    where acc.account_code like '864%' and ml.parent_state = 'posted'
    group by b.exercice
)

select
    b.exercice,
    b.exercice_start,
    b.exercice_end,
    b.hours_validated::decimal(12, 2)                          as hours_validated,
    b.hours_pending::decimal(12, 2)                            as hours_pending,
    b.members,
    b.hourly_rate,
    round(b.hours_validated * b.hourly_rate, 2)::decimal(14, 2) as valuation,
    '864'                                                      as account_debit,
    '875'                                                      as account_credit,
    coalesce(booked.amount, 0)::decimal(14, 2)                 as booked_in_odoo
from bounds as b
left join booked using (exercice)
