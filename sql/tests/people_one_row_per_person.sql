-- marts.people has one row per person, and every record of people_links has its person.
select person_key, 'twice' as problem from marts.people group by person_key having count(*) > 1
union all
select l.person_key, 'missing' from marts.people_links as l
left join marts.people as p using (person_key)
where p.person_key is null
