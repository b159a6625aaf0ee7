-- Explorateur — each unit with its groupe, pôle and projet (itself or its ancestor at that level),
-- the pivot's unit dimensions. Included first by _facts.sql and pivot_budget.sql; ends with a comma.
WITH units AS (
    SELECT t.unit_code,
           t.name,
           t.sort,
           max(a.unit_code) FILTER (WHERE a.level = 'groupe') AS groupe_code,
           max(a.name) FILTER (WHERE a.level = 'groupe') AS groupe_name,
           max(a.sort) FILTER (WHERE a.level = 'groupe') AS groupe_sort,
           max(a.unit_code) FILTER (WHERE a.level = 'pole') AS pole_code,
           max(a.name) FILTER (WHERE a.level = 'pole') AS pole_name,
           max(a.sort) FILTER (WHERE a.level = 'pole') AS pole_sort,
           max(a.unit_code) FILTER (WHERE a.level = 'projet') AS projet_code,
           max(a.name) FILTER (WHERE a.level = 'projet') AS projet_name,
           max(a.sort) FILTER (WHERE a.level = 'projet') AS projet_sort
    FROM marts.org_tree AS t
    JOIN marts.org_rollup AS r ON r.unit_code = t.unit_code
    JOIN marts.org_tree AS a ON a.unit_code = r.ancestor_code
    GROUP BY t.unit_code, t.name, t.sort
),
