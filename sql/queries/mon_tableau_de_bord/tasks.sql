-- Mon tableau de bord — my tasks: the Oceco actions I joined that are not finished, or finished
-- and waiting for an admin's validation. I am the Oceco citizen(s) marts.people ties to my e-mail.
-- Parameters: $email.
-- Grain: one row per action, soonest first (undated last).
-- Columns: action_id, action_name, start_at, end_at (local time), credits,
--          state ('en_cours' | 'a_valider')
-- include: mon_tableau_de_bord/_me.sql
citizens AS (
    SELECT unnest(p.oceco_citizen_ids) AS citoyen_id
    FROM marts.people AS p, me
    WHERE lower(p.email) = me.email
)
SELECT a.action_id, a.action_name, timezone(me.timezone, a.start_at) AS start_at,
       timezone(me.timezone, a.end_at) AS end_at, a.credits,
       CASE WHEN a.finished_state = 'toModerate' THEN 'a_valider' ELSE 'en_cours' END AS state
FROM staging.stg_oceco__actions AS a
JOIN citizens AS c ON c.citoyen_id = a.contributor_id
CROSS JOIN me
WHERE a.finished_state IS NULL OR a.finished_state = 'toModerate'
ORDER BY a.start_at NULLS LAST, a.action_name
