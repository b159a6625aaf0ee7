-- Every source record is tied to exactly one person.
select source, source_id, count(*) as rows
from marts.people_links
group by source, source_id
having count(*) > 1
