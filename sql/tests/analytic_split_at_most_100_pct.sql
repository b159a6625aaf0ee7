-- A journal item cannot be spread over the units for more than 100 %: otherwise two plans
-- both mapped to units would count the same euro twice. Same for an analytic line (Odoo 17+
-- lines may carry one account per plan): at most one unit per line.
select 'move line' as what, move_line_id as id, sum(pct) as total
from staging.stg_odoo__analytic_distribution
group by move_line_id
having sum(pct) > 100.01

union all

select 'analytic line' as what, analytic_line_id as id, count(*) as total
from staging.stg_odoo__analytic_line_accounts
where unit_code is not null
group by analytic_line_id
having count(*) > 1
