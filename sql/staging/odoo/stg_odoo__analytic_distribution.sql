-- How each journal item is spread over the organisation's units: one row per (move line,
-- analytic account of a unit), with the percentage of the line (see stg_odoo__move_line_analytic
-- for the Odoo 15 and 16+ shapes). Accounts of every plan that a unit lists are kept, so a line
-- may have 100 % in the tree plan and 100 % in another plan: what counts where is decided by
-- marts.ledger_allocation (a euro counts once); this view only says where a bill is booked.
select move_line_id, analytic_account_id, unit_code, pct
from staging.stg_odoo__move_line_analytic
where unit_code is not null
