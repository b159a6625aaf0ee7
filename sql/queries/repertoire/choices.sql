-- Répertoire — what the « Pôle » and « Rôle » filters offer: the units and roles that at least
-- one member has, in tree and catalogue order.
-- Grain: one row per choice.
-- Columns: kind ('unit' | 'role'), code, label, sort
WITH members AS (
    SELECT * FROM marts.people WHERE is_member
),
units AS (
    SELECT DISTINCT unnest(unit_codes) AS code FROM members
),
roles AS (
    SELECT DISTINCT unnest(role_codes) AS code FROM members
)
SELECT 'unit' AS kind, u.unit_code AS code, u.name AS label, u.sort
FROM ref.units AS u
WHERE u.unit_code IN (SELECT code FROM units)
UNION ALL
SELECT 'role', r.role_code, any_value(r.label), min(r.sort)
FROM ref.roles AS r
WHERE r.role_code IN (SELECT code FROM roles)
GROUP BY r.role_code
ORDER BY kind DESC, sort, code
