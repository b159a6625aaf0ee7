-- The build's settings the filters need: its "today" (as_of), the fiscal year's first month, and
-- the organisation's time zone.
-- Columns: as_of DATE, fiscal_year_start_month INTEGER, timezone VARCHAR
select as_of, fiscal_year_start_month, timezone
from staging.stg_ref__settings
