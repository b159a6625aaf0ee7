-- line_key identifies one budget line.
select line_key, count(*) as copies
from marts.budget_lines
group by line_key
having count(*) > 1
