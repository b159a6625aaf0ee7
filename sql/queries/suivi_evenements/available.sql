-- Suivi évènements — are the soirée marts built? (a warehouse built before them has none)
-- Columns: ready BOOLEAN
SELECT count(*) = 4 AS ready
FROM information_schema.tables
WHERE table_schema = 'marts'
  AND table_name IN ('soiree_results', 'soiree_products', 'soiree_costs', 'soiree_sales')
