-- Suivi volontariat — per unit (pôle) and month.
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive).
-- Grain: one row per unit × month with volunteering in the selection (tree order, then month).
-- Columns: unit_code, unit_name, month, hours_validated, hours_pending, credits, valuation,
--          members (people with validated or pending hours)
with
-- include: suivi_volontariat/_affiches.sql
select shown.unit_code,
       any_value(shown.unit_name)                                  as unit_name,
       shown.month,
       sum(hours_validated)::decimal(12, 2)                        as hours_validated,
       sum(hours_pending)::decimal(12, 2)                          as hours_pending,
       sum(credits)::decimal(12, 2)                                as credits,
       sum(valuation)::decimal(14, 2)                              as valuation,
       count(distinct person_key)                                  as members
from shown
left join ref.units as u on u.unit_code = shown.unit_code
group by shown.unit_code, shown.month
order by min(u.sort), shown.unit_code, shown.month
