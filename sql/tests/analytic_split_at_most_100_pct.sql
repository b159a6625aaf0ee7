-- Odoo gives each analytic plan its own 100 % of a journal item: within ONE plan a line cannot
-- be spread over more than 100 % (nor, for a posted line, carry more than its amount).
-- Across plans nothing is added: marts.ledger_allocation counts each euro once.
-- (Odoo 15 does not enforce it: an item whose own analytic account and a tag distribution are
-- in the same analytic group would be counted twice by Odoo's own reports; fix the tag.)
select 'move line' as what, move_line_id as id, root_plan_id as plan, sum(pct) as total
from staging.stg_odoo__move_line_analytic
where plan_rank is not null
group by move_line_id, root_plan_id
having sum(pct) > 100.01

union all

select 'posted line' as what, lines.move_line_id, line_accounts.root_plan_id,
       sum(analytic.amount) as total
from staging.stg_odoo__analytic_line_accounts as line_accounts
join staging.stg_odoo__analytic_lines as analytic using (analytic_line_id)
join staging.stg_odoo__account_move_lines as lines
    on lines.move_line_id = analytic.move_line_id
where line_accounts.plan_rank is not null
group by lines.move_line_id, line_accounts.root_plan_id, lines.balance
having abs(sum(analytic.amount)) > abs(lines.balance) + 0.01 * count(*)

union all

-- every journal item is counted exactly once: its allocations add up to it
select 'allocation' as what, allocation.move_line_id, null, sum(allocation.amount) + any_value(lines.balance)
from marts.ledger_allocation as allocation
join staging.stg_odoo__account_move_lines as lines
    on lines.move_line_id = allocation.move_line_id
   and lines.parent_state in ('posted', 'draft')
group by allocation.move_line_id
having sum(allocation.amount) <> -any_value(lines.balance)
