-- Every internal transfer is a dépense interne and a recette interne of the same amount:
-- for the whole organisation its lines net to zero. Returns the transfers that do not.
select
    reference,
    sum(case direction when 'recette' then amount else -amount end) as net,
    count(*) as line_count
from marts.budget_lines
where status = 'interne'
group by reference
having net <> 0 or line_count <> 2
