-- Organigramme — the assignments that can still be ended, on the units under $unit: held today
-- or to come, without an end date or ending after today.
-- Columns: assignment_id, unit_code, unit_name, role_code, role_label, person_email, person_name,
--          started_on, ended_on, status
SELECT assignment_id, unit_code, unit_name, role_code, role_label, person_email, person_name,
       started_on, ended_on, status
FROM marts.role_history
WHERE status IN ('en_cours', 'a_venir')
  AND (ended_on IS NULL OR ended_on > as_of)
  AND unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit)
ORDER BY tree_key, role_sort, started_on
