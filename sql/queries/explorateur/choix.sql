-- Explorateur — the values offered by the filter lists: budget categories, directions, statuses
-- and sources, in display order. Labels of coded values are the codes: the page writes them in
-- French.
-- Columns: dimension ('categorie' | 'direction' | 'statut' | 'source'), key, label, sort
SELECT 'categorie' AS dimension, category_code AS key, label, lpad(sort::VARCHAR, 8, '0') AS sort
FROM ref.categories
UNION ALL
SELECT 'direction', direction, direction, CASE direction WHEN 'depense' THEN '0' ELSE '1' END
FROM (SELECT DISTINCT direction FROM ref.categories)
UNION ALL
SELECT DISTINCT 'statut', status, status, status FROM marts.budget_lines
UNION ALL
SELECT DISTINCT 'source', source, source, source FROM marts.budget_lines
ORDER BY dimension, sort, key
