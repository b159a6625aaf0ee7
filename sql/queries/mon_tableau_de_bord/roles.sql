-- Mon tableau de bord — the roles I hold today or will hold (marts.role_history).
-- Parameters: $email.
-- Grain: one row per assignment, in tree then catalogue order.
-- Columns: unit_code, unit_name, role_label, started_on, ended_on, status ('en_cours' | 'a_venir')
-- include: mon_tableau_de_bord/_moi.sql
chosen as (
    select h.*
    from marts.role_history as h, me
    where lower(h.person_email) = me.email and h.status in ('en_cours', 'a_venir')
)
select unit_code, unit_name, role_label, started_on, ended_on, status
from chosen
order by tree_key, role_sort, started_on
