-- Répertoire — are the people marts built? (a warehouse built before them has none)
-- Columns: ready BOOLEAN
SELECT count(*) = 2 AS ready
FROM information_schema.tables
WHERE table_schema = 'marts'
  AND table_name IN ('people', 'people_conflicts')
