-- Organigramme — the assignments that can still be ended, on the units under $unit: held today
-- or to come, without an end date or ending after today.
-- Columns: assignment_id, unit_code, unit_name, role_code, role_label, person_email, person_name,
--          started_on, ended_on, status
select assignment_id, unit_code, unit_name, role_code, role_label, person_email, person_name,
       started_on, ended_on, status
from marts.role_history
where status in ('en_cours', 'a_venir')
  and (ended_on is null or ended_on > as_of)
  and unit_code in (select unit_code from marts.org_rollup where ancestor_code = $unit)
order by tree_key, role_sort, started_on
