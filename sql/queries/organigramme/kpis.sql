-- Organigramme — the counts of the cards, for the units under $unit: roles needed (unit × role),
-- roles held, roles vacant, people holding at least one, units with a vacant role; the day shown.
-- Columns: roles_needed, roles_held, roles_vacant, people, units_with_vacancy, as_of
WITH roles AS (
    SELECT unit_code, role_code, bool_and(vacant) AS vacant
    FROM marts.role_chart
    WHERE unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit)
    GROUP BY unit_code, role_code
)
SELECT
    (SELECT count(*) FROM roles)                                    AS roles_needed,
    (SELECT count(*) FILTER (WHERE NOT vacant) FROM roles)          AS roles_held,
    (SELECT count(*) FILTER (WHERE vacant) FROM roles)              AS roles_vacant,
    (SELECT count(DISTINCT person_email) FROM marts.role_chart
     WHERE NOT vacant
       AND unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit)) AS people,
    (SELECT count(DISTINCT unit_code) FILTER (WHERE vacant) FROM roles) AS units_with_vacancy,
    (SELECT as_of FROM staging.stg_ref__settings)                   AS as_of
