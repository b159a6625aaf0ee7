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
WITH wanted AS (
    SELECT trim(regexp_replace(strip_accents(lower(coalesce(CAST($search AS VARCHAR), ''))), '\s+', ' ', 'g')) AS text,
           coalesce(CAST($unit AS VARCHAR), '') AS unit,
           coalesce(CAST($role AS VARCHAR), '') AS role
),
inside AS (
    SELECT list(unit_code) AS units
    FROM marts.org_rollup, wanted
    WHERE ancestor_code = wanted.unit
)
SELECT p.person_key, p.display_name, p.email, p.unit_codes, p.unit_names, p.role_codes, p.roles,
       p.badges, p.is_oceco_admin, p.has_conflict,
       CASE WHEN p.display_name IN (p.person_key, split_part(p.email, '@', 1), p.email) THEN NULL
            ELSE p.display_name END AS shown_name,
       list_transform(p.sources, lambda s: CASE s WHEN 'odoo' THEN 'Odoo' WHEN 'oceco' THEN 'Oceco'
                                             WHEN 'tibillet' THEN 'TiBillet' WHEN 'alambic' THEN 'compte Alambic'
                                             ELSE s END) AS source_labels,
       count(*) OVER (PARTITION BY p.sort_name) > 1 AS homonym
FROM marts.people AS p, wanted, inside
WHERE p.is_member
  AND (wanted.text = '' OR contains(
        p.sort_name || ' ' || strip_accents(lower(array_to_string(p.unit_names, ' ') || ' '
            || array_to_string(p.roles, ' ') || ' ' || array_to_string(p.badges, ' '))),
        wanted.text))
  AND (wanted.unit = '' OR list_has_any(p.unit_codes, coalesce(inside.units, [])))
  AND (wanted.role = '' OR list_contains(p.role_codes, wanted.role))
ORDER BY p.sort_name, p.person_key
