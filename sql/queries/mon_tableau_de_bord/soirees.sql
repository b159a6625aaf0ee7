-- Mon tableau de bord — the soirées to come where I am référent·e (app.event_referents joined to
-- the TiBillet events), from the build's day on.
-- Parameters: $email.
-- Grain: one row per soirée, soonest first.
-- Columns: event_id, event_name, start_at, soiree_day, capacity, unit_name
-- include: mon_tableau_de_bord/_me.sql
mine AS (
    SELECT DISTINCT r.event_id, r.unit_code
    FROM app.event_referents AS r, me
    WHERE lower(r.person_email) = me.email
)
SELECT e.event_id, e.event_name, e.start_at, e.soiree_day, e.capacity, u.name AS unit_name
FROM mine
JOIN staging.stg_tibillet__events AS e USING (event_id)
LEFT JOIN ref.units AS u ON u.unit_code = mine.unit_code
CROSS JOIN me
WHERE e.soiree_day >= me.as_of AND NOT e.is_cancelled
ORDER BY e.start_at, e.event_name
