-- Une subvention n'a jamais reçu plus que ce qui a été accordé (ou demandé, tant qu'elle n'est pas
-- accordée), et le suivi des subventions donne le même montant reçu que son échéancier.
-- (A subsidy's received amount never exceeds what was granted — or requested, while not granted
-- yet; subsidy_tracking agrees with the timeline.)
select subsidy_key, subsidy_id, exercice, accorde, demande, verse
from marts.subsidy_tracking
where verse > coalesce(accorde, demande)
   or verse <> (select coalesce(sum(amount), 0) from marts.subsidy_instalments_timeline as t
                where t.subsidy_key = subsidy_tracking.subsidy_key and t.received_on is not null)
