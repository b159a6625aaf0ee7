-- Répertoire — what the « Pôle » and « Rôle » filters offer: the units and roles that at least
-- one member has, in tree and catalogue order.
-- Grain: one row per choice.
-- Columns: kind ('unit' | 'role'), code, label, sort
with members as (
    select * from marts.people where is_member
),
units as (
    select distinct unnest(unit_codes) as code from members
),
roles as (
    select distinct unnest(role_codes) as code from members
)
select 'unit' as kind, u.unit_code as code, u.name as label, u.sort
from ref.units as u
where u.unit_code in (select code from units)
union all
select 'role', r.role_code, any_value(r.label), min(r.sort)
from ref.roles as r
where r.role_code in (select code from roles)
group by r.role_code
order by kind desc, sort, code
