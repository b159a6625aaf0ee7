-- A subsidy's instalments (avance, acomptes, solde) add up to no more than the amount granted
-- (the amount requested while it is not granted yet), and each belongs to a known subsidy.
select
    instalments.subsidy_id,
    subsidies.funder,
    coalesce(subsidies.amount_granted, subsidies.amount_requested) as ceiling,
    sum(instalments.amount) as instalments_total
from app.subsidy_instalments as instalments
left join app.subsidies as subsidies using (subsidy_id)
group by all
having subsidies.funder is null
    or sum(instalments.amount) > coalesce(subsidies.amount_granted, subsidies.amount_requested)
