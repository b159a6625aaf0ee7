-- The roles history keeps every assignment entered, once, with a known status.
select assignments.assignment_id, count(history.assignment_id) as rows_in_history, 'perdue ou en double' as problem
from app.role_assignments as assignments
left join marts.role_history as history on history.assignment_id = assignments.assignment_id
group by assignments.assignment_id
having count(history.assignment_id) <> 1

union all

select assignment_id, 1, 'statut inconnu'
from marts.role_history
where status not in ('en_cours', 'terminee', 'a_venir')
