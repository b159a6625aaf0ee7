-- Suivi volontariat — the yearly valuation for the 864 / 875 entries, for the whole organisation
-- (the accounts are booked once for La Raffinerie, whatever unit is selected).
-- Grain: one row per fiscal year, latest first.
-- Columns: exercice, exercice_start, exercice_end, hours_validated, hours_pending, members,
--          hourly_rate, valuation, account_debit, account_credit, booked_in_odoo
select exercice, exercice_start, exercice_end, hours_validated, hours_pending, members, hourly_rate,
       valuation, account_debit, account_credit, booked_in_odoo
from marts.volunteer_valuation
order by exercice desc
