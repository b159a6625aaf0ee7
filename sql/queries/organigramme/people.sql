-- Organigramme — the people a role can be given to: Odoo contacts (persons, not companies) with
-- an e-mail, and whoever already held a role; one row per e-mail, by name.
-- Columns: person_email, person_name
WITH known AS (
    SELECT email AS person_email, coalesce(partner_name, display_name) AS person_name
    FROM staging.stg_odoo__partners
    WHERE email IS NOT NULL AND NOT is_company AND is_active
    UNION ALL
    SELECT person_email, person_name FROM marts.role_history
)
SELECT person_email, min(person_name) AS person_name
FROM known
WHERE person_email IS NOT NULL AND person_email <> ''
GROUP BY person_email
ORDER BY lower(coalesce(min(person_name), person_email)), person_email
