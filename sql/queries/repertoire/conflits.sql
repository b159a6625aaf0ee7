-- Répertoire — « Correspondances à vérifier »: the records an admin must settle
-- (marts.people_conflicts), the busiest volunteers first.
-- Grain: one row per unresolved record.
-- Columns: conflict_key, source, source_id, record_name, record_email, reason, candidate_emails,
--          candidate_names, others, suggested_email, volunteer_hours
select conflict_key, source, source_id, record_name, record_email, reason, candidate_emails,
       candidate_names, others, suggested_email, volunteer_hours
from marts.people_conflicts
order by volunteer_hours desc, record_name, conflict_key
