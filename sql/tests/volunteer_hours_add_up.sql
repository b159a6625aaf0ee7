-- marts.volunteer_hours adds up to its detail (volunteer_contributions), and the yearly valuation
-- to the monthly rows.
with detail as (
    select
        coalesce(sum(hours) filter (where state = 'validated'), 0) as validated,
        coalesce(sum(hours) filter (where state = 'pending'), 0)   as pending,
        coalesce(sum(credits) filter (where state = 'validated'), 0) as credits
    from marts.volunteer_contributions
),
monthly as (
    select coalesce(sum(hours_validated), 0) as validated, coalesce(sum(hours_pending), 0) as pending,
           coalesce(sum(credits), 0) as credits
    from marts.volunteer_hours
),
yearly as (
    select coalesce(sum(hours_validated), 0) as validated from marts.volunteer_valuation
)
select 'monthly vs detail' as problem
from detail, monthly
where detail.validated <> monthly.validated or detail.pending <> monthly.pending
   or detail.credits <> monthly.credits
union all
select 'yearly vs monthly' from monthly, yearly where monthly.validated <> yearly.validated
