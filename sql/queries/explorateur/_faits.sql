-- Explorateur — the budget lines with the pivot's dimensions (`units`, …, `facts`), shared by
-- pivot_lignes.sql and lignes.sql, which include it (a line `-- include: explorateur/_faits.sql`):
-- the cells of the pivot and the lines behind a cell come from the same rows. Ends with a comma.
-- Parameters: $unit, $date_from, $date_to, $categories, $directions, $statuses, $sources (see
-- pivot_lignes.sql).
-- `eliminated`: the line is an internal flow whose two ends are both in $unit's subtree
-- (marts.budget_eliminations, the rule the Suivi budgétaire follows too): the pivot does not count
-- it, the lines behind a figure show it as eliminated at this level.
-- include: explorateur/_unites.sql
facts as (
    select l.line_key,
           l.amount,
           e.line_key is not null as eliminated,
           map {
               'unite': {'key': l.unit_code, 'label': coalesce(u.name, l.unit_code), 'sort': lpad(coalesce(u.sort, 0)::varchar, 8, '0')},
               'groupe': {'key': coalesce(u.groupe_code, ''), 'label': u.groupe_name, 'sort': lpad(coalesce(u.groupe_sort, -1)::varchar, 8, '0')},
               'pole': {'key': coalesce(u.pole_code, ''), 'label': u.pole_name, 'sort': lpad(coalesce(u.pole_sort, -1)::varchar, 8, '0')},
               'projet': {'key': coalesce(u.projet_code, ''), 'label': u.projet_name, 'sort': lpad(coalesce(u.projet_sort, -1)::varchar, 8, '0')},
               'categorie': {'key': l.category_code, 'label': coalesce(c.label, l.category_code), 'sort': lpad(coalesce(c.sort, 0)::varchar, 8, '0')},
               'direction': {'key': l.direction, 'label': l.direction, 'sort': case l.direction when 'depense' then '0' else '1' end},
               'mois': {'key': strftime(l.line_date, '%Y-%m'), 'label': strftime(l.line_date, '%Y-%m'), 'sort': strftime(l.line_date, '%Y-%m')},
               'trimestre': {'key': year(l.line_date) || '-T' || quarter(l.line_date), 'label': year(l.line_date) || '-T' || quarter(l.line_date), 'sort': year(l.line_date) || '-T' || quarter(l.line_date)},
               'annee': {'key': year(l.line_date)::varchar, 'label': year(l.line_date)::varchar, 'sort': year(l.line_date)::varchar},
               'statut': {'key': l.status, 'label': l.status, 'sort': l.status},
               'source': {'key': l.source, 'label': l.source, 'sort': l.source}
           } as dims
    from marts.budget_lines as l
    left join units as u using (unit_code)
    left join ref.categories as c using (category_code)
    left join marts.budget_eliminations as e on e.unit_code = $unit and e.line_key = l.line_key
    where l.unit_code in (select unit_code from marts.org_rollup where ancestor_code = $unit)
      and l.line_date >= cast($date_from as date)
      and l.line_date < cast($date_to as date)
      and ($categories = '' or list_contains(string_split($categories, ','), l.category_code))
      and ($directions = '' or list_contains(string_split($directions, ','), l.direction))
      and ($statuses = '' or list_contains(string_split($statuses, ','), l.status))
      and ($sources = '' or list_contains(string_split($sources, ','), l.source))
),
