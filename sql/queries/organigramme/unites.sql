-- Organigramme — the tree under $unit (the unit itself included), groupe → pôle → projet, with
-- how many roles each unit needs and how many of them nobody holds today.
-- Columns: unit_code, name, level, depth, path, tree_key, roles_needed, vacant_roles, holders
with
-- include: organigramme/_sous_arbre.sql
,
counts as (
    select unit_code,
           count(distinct role_code)                               as roles_needed,
           count(distinct role_code) filter (where vacant)         as vacant_roles,
           count(distinct person_email) filter (where not vacant)  as holders
    from marts.role_chart
    group by unit_code
)
select subtree.unit_code, subtree.name, subtree.level, subtree.depth, subtree.path, subtree.tree_key,
       coalesce(counts.roles_needed, 0) as roles_needed,
       coalesce(counts.vacant_roles, 0) as vacant_roles,
       coalesce(counts.holders, 0)      as holders
from subtree
left join counts on counts.unit_code = subtree.unit_code
order by subtree.tree_key
