-- Explorateur — the budget lines with the pivot's dimensions (`units`, …, `facts`), shared by
-- pivot_lignes.sql and lignes.sql, which include it (a line `-- include: explorateur/_facts.sql`):
-- the cells of the pivot and the lines behind a cell come from the same rows. Ends with a comma.
-- Parameters: $unit, $date_from, $date_to, $categories, $directions, $statuses, $sources (see
-- pivot_lignes.sql).
-- `eliminated`: the line is an internal flow whose two ends are both in $unit's subtree
-- (marts.budget_eliminations, the rule the Suivi budgétaire follows too): the pivot does not count
-- it, the lines behind a figure show it as eliminated at this level.
-- include: explorateur/_units.sql
facts AS (
    SELECT l.line_key,
           l.amount,
           e.line_key IS NOT NULL AS eliminated,
           MAP {
               'unite': {'key': l.unit_code, 'label': coalesce(u.name, l.unit_code), 'sort': lpad(coalesce(u.sort, 0)::VARCHAR, 8, '0')},
               'groupe': {'key': coalesce(u.groupe_code, ''), 'label': u.groupe_name, 'sort': lpad(coalesce(u.groupe_sort, -1)::VARCHAR, 8, '0')},
               'pole': {'key': coalesce(u.pole_code, ''), 'label': u.pole_name, 'sort': lpad(coalesce(u.pole_sort, -1)::VARCHAR, 8, '0')},
               'projet': {'key': coalesce(u.projet_code, ''), 'label': u.projet_name, 'sort': lpad(coalesce(u.projet_sort, -1)::VARCHAR, 8, '0')},
               'categorie': {'key': l.category_code, 'label': coalesce(c.label, l.category_code), 'sort': lpad(coalesce(c.sort, 0)::VARCHAR, 8, '0')},
               'direction': {'key': l.direction, 'label': l.direction, 'sort': CASE l.direction WHEN 'depense' THEN '0' ELSE '1' END},
               'mois': {'key': strftime(l.line_date, '%Y-%m'), 'label': strftime(l.line_date, '%Y-%m'), 'sort': strftime(l.line_date, '%Y-%m')},
               'trimestre': {'key': year(l.line_date) || '-T' || quarter(l.line_date), 'label': year(l.line_date) || '-T' || quarter(l.line_date), 'sort': year(l.line_date) || '-T' || quarter(l.line_date)},
               'annee': {'key': year(l.line_date)::VARCHAR, 'label': year(l.line_date)::VARCHAR, 'sort': year(l.line_date)::VARCHAR},
               'statut': {'key': l.status, 'label': l.status, 'sort': l.status},
               'source': {'key': l.source, 'label': l.source, 'sort': l.source}
           } AS dims
    FROM marts.budget_lines AS l
    LEFT JOIN units AS u USING (unit_code)
    LEFT JOIN ref.categories AS c USING (category_code)
    LEFT JOIN marts.budget_eliminations AS e ON e.unit_code = $unit AND e.line_key = l.line_key
    WHERE l.unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit)
      AND l.line_date >= CAST($date_from AS DATE)
      AND l.line_date < CAST($date_to AS DATE)
      AND ($categories = '' OR list_contains(string_split($categories, ','), l.category_code))
      AND ($directions = '' OR list_contains(string_split($directions, ','), l.direction))
      AND ($statuses = '' OR list_contains(string_split($statuses, ','), l.status))
      AND ($sources = '' OR list_contains(string_split($sources, ','), l.source))
),
