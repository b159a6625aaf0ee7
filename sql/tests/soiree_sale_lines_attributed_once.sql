-- A sale line belongs to one soirée at most. Returns the lines attributed twice.
select sale_line_id, count(*) as soirees
from marts.soiree_sale_lines
group by sale_line_id
having count(*) > 1
