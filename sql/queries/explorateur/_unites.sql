-- Explorateur — each unit with its groupe, pôle and projet (itself or its ancestor at that level),
-- the pivot's unit dimensions. Included first by _faits.sql and pivot_budget.sql; ends with a comma.
with units as (
    select t.unit_code,
           t.name,
           t.sort,
           max(a.unit_code) filter (where a.level = 'groupe') as groupe_code,
           max(a.name) filter (where a.level = 'groupe') as groupe_name,
           max(a.sort) filter (where a.level = 'groupe') as groupe_sort,
           max(a.unit_code) filter (where a.level = 'pole') as pole_code,
           max(a.name) filter (where a.level = 'pole') as pole_name,
           max(a.sort) filter (where a.level = 'pole') as pole_sort,
           max(a.unit_code) filter (where a.level = 'projet') as projet_code,
           max(a.name) filter (where a.level = 'projet') as projet_name,
           max(a.sort) filter (where a.level = 'projet') as projet_sort
    from marts.org_tree as t
    join marts.org_rollup as r on r.unit_code = t.unit_code
    join marts.org_tree as a on a.unit_code = r.ancestor_code
    group by t.unit_code, t.name, t.sort
),
