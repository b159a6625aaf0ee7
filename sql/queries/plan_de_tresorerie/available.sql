-- Plan de trésorerie — are the treasury marts built? (a warehouse built before them has none)
-- Columns: ready BOOLEAN
SELECT count(*) = 3 AS ready
FROM information_schema.tables
WHERE table_schema = 'marts'
  AND table_name IN ('treasury_plan', 'treasury_lines', 'subsidy_instalments_timeline')
