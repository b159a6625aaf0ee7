-- Organigramme — the counts of the cards, for the units under $unit: roles needed (unit × role),
-- roles held, roles vacant, people holding at least one, units with a vacant role; the day shown.
-- Columns: roles_needed, roles_held, roles_vacant, people, units_with_vacancy, as_of
with roles as (
    select unit_code, role_code, bool_and(vacant) as vacant
    from marts.role_chart
    where unit_code in (select unit_code from marts.org_rollup where ancestor_code = $unit)
    group by unit_code, role_code
)
select
    (select count(*) from roles)                                    as roles_needed,
    (select count(*) filter (where not vacant) from roles)          as roles_held,
    (select count(*) filter (where vacant) from roles)              as roles_vacant,
    (select count(distinct person_email) from marts.role_chart
     where not vacant
       and unit_code in (select unit_code from marts.org_rollup where ancestor_code = $unit)) as people,
    (select count(distinct unit_code) filter (where vacant) from roles) as units_with_vacancy,
    (select as_of from staging.stg_ref__settings)                   as as_of
