-- Répertoire — the members' cards: name, pôles, roles held today, badges.
-- Parameters: $search (text typed in the search box, '' for everybody: matched without accents nor
--             case against the name, pôles, roles and badges), $unit ('' or a unit code: members
--             with a pôle in that unit or below it), $role ('' or a role code held today).
-- Grain: one row per member (marts.people.is_member), by name.
-- Columns: person_key, display_name, email (shown to admins only), unit_codes, unit_names,
--          role_codes, roles, badges, is_oceco_admin, has_conflict,
--          shown_name (display_name, or NULL when the mart had no name and fell back on the
--          e-mail or its part before « @ »: a login is not a name),
--          source_labels (the sources that know the person, in French),
--          homonym (another member bears the same name: the card then says what tells them apart)
with wanted as (
    select trim(regexp_replace(strip_accents(lower(coalesce(cast($search as varchar), ''))), '\s+', ' ', 'g')) as text,
           coalesce(cast($unit as varchar), '') as unit,
           coalesce(cast($role as varchar), '') as role
),
inside as (
    select list(unit_code) as units
    from marts.org_rollup, wanted
    where ancestor_code = wanted.unit
)
select p.person_key, p.display_name, p.email, p.unit_codes, p.unit_names, p.role_codes, p.roles,
       p.badges, p.is_oceco_admin, p.has_conflict,
       case when p.display_name in (p.person_key, split_part(p.email, '@', 1), p.email) then null
            else p.display_name end as shown_name,
       list_transform(p.sources, lambda s: case s when 'odoo' then 'Odoo' when 'oceco' then 'Oceco'
                                             when 'tibillet' then 'TiBillet' when 'alambic' then 'compte Alambic'
                                             else s end) as source_labels,
       count(*) over (partition by p.sort_name) > 1 as homonym
from marts.people as p, wanted, inside
where p.is_member
  and (wanted.text = '' or contains(
        p.sort_name || ' ' || strip_accents(lower(array_to_string(p.unit_names, ' ') || ' '
            || array_to_string(p.roles, ' ') || ' ' || array_to_string(p.badges, ' '))),
        wanted.text))
  and (wanted.unit = '' or list_has_any(p.unit_codes, coalesce(inside.units, [])))
  and (wanted.role = '' or list_contains(p.role_codes, wanted.role))
order by p.sort_name, p.person_key
