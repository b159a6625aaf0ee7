-- Suivi subventions — the échéancier of the subsidies of subventions.sql (same parameters:
-- $unit, $date_from), sorted by date.
-- Grain: one row per instalment (marts.subsidy_instalments_timeline) of those subsidies.
-- Columns: instalment_id, subsidy_id, funder, scheme, unit_code, unit_name, kind ('avance' |
--          'acompte' | 'solde'), amount, expected_on, received_on, status ('reçu' | 'à venir' |
--          'en retard'), days_late, is_late, treasury_month (the month the plan de trésorerie
--          counts it in; NULL once received), in_plan (that month is within the plan's months),
--          treasury_period (the exercice of that month, as the period filter writes it, for the
--          link into the plan)
with settings as (
    select fiscal_year_start_month as start_month
    from staging.stg_ref__settings
),
shown as (
    select distinct subsidy_key
    from marts.subsidy_tracking
    where exercice_start <= cast($date_from as date)
      and exercice_end >= cast($date_from as date)
      and unit_code in (select unit_code from marts.org_rollup where ancestor_code = $unit)
)
select t.instalment_id,
       t.subsidy_id,
       t.funder,
       t.scheme,
       t.unit_code,
       units.name as unit_name,
       t.kind,
       t.amount,
       t.expected_on,
       t.received_on,
       t.status,
       t.days_late,
       t.status = 'en retard' as is_late,
       t.treasury_month,
       t.treasury_month <= (select max(month) from marts.treasury_plan) as in_plan,
       marts.exercice_periode(t.treasury_month, settings.start_month) as treasury_period
from marts.subsidy_instalments_timeline as t
cross join settings
left join marts.org_tree as units on units.unit_code = t.unit_code
where t.subsidy_key in (select subsidy_key from shown)
order by t.expected_on, t.instalment_id
