-- The roles chart shows every role each unit needs (ref.roles at the unit's level), once per
-- holder or once as vacant: no unit × role is left out, none is invented.
with needed as (
    select units.unit_code, roles.role_code
    from ref.units as units join ref.roles as roles on roles.level = units.level
),

shown as (
    select unit_code, role_code, count(*) as shown_rows, max(holder_count) as holders
    from marts.role_chart
    group by unit_code, role_code
)

select coalesce(needed.unit_code, shown.unit_code) as unit_code,
       coalesce(needed.role_code, shown.role_code) as role_code,
       'absent, inventé ou compté deux fois'      as problem
from needed
full join shown on shown.unit_code = needed.unit_code and shown.role_code = needed.role_code
where needed.unit_code is null or shown.unit_code is null
   or shown.shown_rows <> greatest(shown.holders, 1)
