-- Mon tableau de bord — the roles I hold today or will hold (marts.role_history).
-- Parameters: $email.
-- Grain: one row per assignment, in tree then catalogue order.
-- Columns: unit_code, unit_name, role_label, started_on, ended_on, status ('en_cours' | 'a_venir')
-- include: mon_tableau_de_bord/_me.sql
chosen AS (
    SELECT h.*
    FROM marts.role_history AS h, me
    WHERE lower(h.person_email) = me.email AND h.status IN ('en_cours', 'a_venir')
)
SELECT unit_code, unit_name, role_label, started_on, ended_on, status
FROM chosen
ORDER BY tree_key, role_sort, started_on
