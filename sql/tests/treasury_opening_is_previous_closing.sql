-- Plan de trésorerie: each month opens on the previous month's closing balance, and
-- closing = opening + encaissements − décaissements. Returns the months that break either rule.
select
    month,
    opening_balance,
    lag(closing_balance) over (order by month) as previous_closing,
    encaissements,
    decaissements,
    closing_balance
from marts.treasury_plan
qualify (previous_closing is not null and opening_balance <> previous_closing)
     or closing_balance <> opening_balance + encaissements - decaissements
