-- Répertoire — « Correspondances à vérifier »: the records an admin must settle
-- (marts.people_conflicts), the busiest volunteers first.
-- Grain: one row per unresolved record.
-- Columns: conflict_key, source, source_id, record_name, record_email, reason, candidate_emails,
--          candidate_names, others, suggested_email, volunteer_hours
SELECT conflict_key, source, source_id, record_name, record_email, reason, candidate_emails,
       candidate_names, others, suggested_email, volunteer_hours
FROM marts.people_conflicts
ORDER BY volunteer_hours DESC, record_name, conflict_key
