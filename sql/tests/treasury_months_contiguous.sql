-- Plan de trésorerie: one row per month with no gap, 'reel' exactly before the as_of month, and
-- the months' totals equal to their flows (treasury_flows). Returns the months that do not.
with settings as (
    select date_trunc('month', as_of)::date as as_of_month
    from staging.stg_ref__settings
),

flows as (
    select
        month,
        coalesce(sum(amount) filter (where direction = 'encaissement'), 0) as encaissements,
        coalesce(sum(amount) filter (where direction = 'decaissement'), 0) as decaissements
    from marts.treasury_flows
    group by month
),

numbered as (
    select
        plan.*,
        row_number() over (order by plan.month) - 1 as position,
        min(plan.month) over ()                     as first_month
    from marts.treasury_plan as plan
)

select numbered.month, numbered.kind, numbered.encaissements, flows.encaissements as flow_in,
       numbered.decaissements, flows.decaissements as flow_out
from numbered
cross join settings
left join flows using (month)
where (numbered.kind = 'reel') <> (numbered.month < settings.as_of_month)
   or numbered.encaissements <> coalesce(flows.encaissements, 0)
   or numbered.decaissements <> coalesce(flows.decaissements, 0)
   or numbered.month <> (numbered.first_month + to_months(numbered.position::integer))::date

union all

-- a flow in a month outside the plan
select flows.month, 'hors plan', flows.encaissements, null, flows.decaissements, null
from flows
anti join marts.treasury_plan using (month)
