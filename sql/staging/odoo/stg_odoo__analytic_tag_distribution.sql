-- Odoo ≤15 analytic tag distributions: a tag with `active_analytic_distribution` spreads each
-- journal item it is put on over analytic accounts (account.analytic.distribution: account_id,
-- percentage). When the move is posted Odoo 15 makes one analytic line per distribution line,
-- on top of the line of the item's own analytic_account_id. Tags without an active
-- distribution are mere labels and give nothing. One row per (tag, analytic account).
with tags as (
    select
        (payload->>'id')::bigint as tag_id,
        coalesce((payload->>'active_analytic_distribution')::boolean, false) as is_distribution
    from raw_odoo.account_analytic_tag
),

distributions as (
    select
        (payload->'tag_id'->>0)::bigint        as tag_id,
        (payload->'account_id'->>0)::bigint    as analytic_account_id,
        (payload->>'percentage')::decimal(9, 4) as pct
    from raw_odoo.account_analytic_distribution
)

select distributions.tag_id, distributions.analytic_account_id, sum(distributions.pct)::decimal(9, 4) as pct
from distributions
join tags using (tag_id)
where tags.is_distribution
  and distributions.analytic_account_id is not null
group by all
