-- The build's settings the filters need: its "today" (as_of) and the fiscal year's first month.
-- Columns: as_of DATE, fiscal_year_start_month INTEGER
SELECT
    max(CASE WHEN key = 'as_of' THEN CAST(value AS DATE) END) AS as_of,
    coalesce(max(CASE WHEN key = 'fiscal_year_start_month' THEN CAST(value AS INTEGER) END), 1)
        AS fiscal_year_start_month
FROM ref.settings
