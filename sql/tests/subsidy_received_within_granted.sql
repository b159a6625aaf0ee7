-- A subsidy's received instalments (versé) never exceed what was granted (or requested, while
-- not granted yet); subsidy_tracking agrees with the échéancier.
select subsidy_id, exercice, accorde, demande, verse
from marts.subsidy_tracking
where verse > coalesce(accorde, demande)
   or verse <> (select coalesce(sum(amount), 0) from app.subsidy_instalments as i
                where i.subsidy_id = subsidy_tracking.subsidy_id and i.received_on is not null)
