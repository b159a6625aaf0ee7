-- The valuation is the validated hours × the configured hourly rate, on every row and every year;
-- every unit exists in the organisation tree.
select person_key as what, cast(month as varchar) as detail, 'monthly valuation' as problem
from marts.volunteer_hours, staging.stg_ref__settings as s
where valuation <> round(hours_validated * s.volunteer_hourly_rate, 2)
union all
select cast(exercice as varchar), '', 'yearly valuation'
from marts.volunteer_valuation, staging.stg_ref__settings as s
where valuation <> round(hours_validated * s.volunteer_hourly_rate, 2)
union all
select person_key, unit_code, 'unknown unit'
from marts.volunteer_hours
where unit_code not in (select unit_code from ref.units)
