-- The build's settings (ref.settings, written from the configuration file) as one typed row.
-- as_of                    DATE      the build's "today"
-- timezone                 VARCHAR   the organisation's time zone (Indian/Reunion)
-- fiscal_year_start_month  INTEGER   first month of the financial year
-- forecast_gap_ratio       DOUBLE    alert threshold for a forecast / actual gap
-- day_pivot                INTERVAL  a soirée's day runs from this local time to the same time the next day
-- volunteer_hourly_rate    DECIMAL   value of one volunteer hour (valorisation 864 / 875)
with source as (
    select key, value from ref.settings
)

select
    cast(max(value) filter (where key = 'as_of') as date)                      as as_of,
    max(value) filter (where key = 'timezone')                                 as timezone,
    cast(max(value) filter (where key = 'fiscal_year_start_month') as integer) as fiscal_year_start_month,
    cast(max(value) filter (where key = 'forecast_gap_ratio') as double)       as forecast_gap_ratio,
    cast(max(value) filter (where key = 'day_pivot') as interval)              as day_pivot,
    cast(max(value) filter (where key = 'volunteer_hourly_rate') as decimal(10,2)) as volunteer_hourly_rate
from source
