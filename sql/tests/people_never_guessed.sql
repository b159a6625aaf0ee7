-- Nothing is guessed: a record tied to an e-mail without an admin's decision carries that very
-- e-mail; a record the admin has not decided on and that has no e-mail stays a person of its own;
-- every unresolved record is listed as a conflict, and no decided record is.
select source, source_id, 'matched to another e-mail without a decision' as problem
from marts.people_links
where resolution = 'email' and person_email is distinct from record_email
union all
select source, source_id, 'no e-mail, yet tied without a decision'
from marts.people_links
where link_id is null and record_email is null and person_email is not null
union all
select l.source, l.source_id, 'unresolved but not listed'
from marts.people_links as l
left join marts.people_conflicts as c on c.source = l.source and c.source_id = l.source_id
where l.resolution = 'unresolved' and c.conflict_key is null
union all
select c.source, c.source_id, 'listed but resolved'
from marts.people_conflicts as c
join marts.people_links as l on c.source = l.source and c.source_id = l.source_id
where l.resolution <> 'unresolved'
