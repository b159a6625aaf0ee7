-- Organigramme — the tree under $unit (the unit itself included), groupe → pôle → projet, with
-- how many roles each unit needs and how many of them nobody holds today.
-- Columns: unit_code, name, level, depth, path, tree_key, roles_needed, vacant_roles, holders
WITH
-- include: organigramme/_subtree.sql
,
counts AS (
    SELECT unit_code,
           count(DISTINCT role_code)                               AS roles_needed,
           count(DISTINCT role_code) FILTER (WHERE vacant)         AS vacant_roles,
           count(DISTINCT person_email) FILTER (WHERE NOT vacant)  AS holders
    FROM marts.role_chart
    GROUP BY unit_code
)
SELECT subtree.unit_code, subtree.name, subtree.level, subtree.depth, subtree.path, subtree.tree_key,
       coalesce(counts.roles_needed, 0) AS roles_needed,
       coalesce(counts.vacant_roles, 0) AS vacant_roles,
       coalesce(counts.holders, 0)      AS holders
FROM subtree
LEFT JOIN counts ON counts.unit_code = subtree.unit_code
ORDER BY subtree.tree_key
