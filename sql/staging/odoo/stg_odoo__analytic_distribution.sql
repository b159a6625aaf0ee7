-- How each journal item is spread over the organisation's units: one row per (move line,
-- analytic account of a unit), with the percentage of the line (see stg_odoo__move_line_analytic
-- for the Odoo 15 and 16+ shapes). The accounts of the tree plan when the line has some; else
-- those of the other plans that units list (a line 100 % on a pôle and 100 % on
-- « Administration » is booked on the pôle). This view says where a bill is booked (e.g. to
-- match a co-remuneration bill to its unit); what counts where, to the cent, is
-- marts.ledger_allocation's.
with mapped as (
    select * from staging.stg_odoo__move_line_analytic
    where unit_code is not null and plan_rank is not null
)

select move_line_id, analytic_account_id, unit_code, pct
from mapped
where plan_rank = 0
   or move_line_id not in (select move_line_id from mapped where plan_rank = 0)
