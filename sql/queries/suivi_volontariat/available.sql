-- Suivi volontariat — are the volunteering marts built? (a warehouse built before them has none)
-- Columns: ready BOOLEAN
SELECT count(*) = 4 AS ready
FROM information_schema.tables
WHERE table_schema = 'marts'
  AND table_name IN ('volunteer_hours', 'volunteer_contributions', 'volunteer_valuation', 'people_links')
