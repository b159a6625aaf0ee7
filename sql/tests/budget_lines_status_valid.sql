-- Status and counts_as take only their documented values, and agree with each other.
select line_key, status, counts_as
from marts.budget_lines
where status not in ('a_valider', 'a_facturer', 'brouillon', 'a_payer', 'paye',
                     'a_encaisser', 'encaisse', 'interne')
   or counts_as not in ('reel', 'engage', 'aucun')
   or (status = 'a_valider' and counts_as <> 'aucun')
   or (status in ('a_facturer', 'brouillon') and counts_as <> 'engage')
   or (status in ('a_payer', 'paye', 'a_encaisser', 'encaisse', 'interne') and counts_as <> 'reel')
   or amount is null or line_date is null
