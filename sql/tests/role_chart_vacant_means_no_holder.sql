-- The roles chart: a role is vacant exactly when it has no holder, and a held role names its
-- holder and since when; a vacant role stands alone on its row.
select unit_code, role_code, person_email, 'vacant mais tenu, ou tenu sans titulaire' as problem
from marts.role_chart
where vacant <> (person_email is null)
   or (not vacant and since is null)
   or (vacant and holder_count <> 0)
   or (not vacant and holder_count < 1)
