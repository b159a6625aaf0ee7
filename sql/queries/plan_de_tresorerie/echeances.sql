-- Plan de trésorerie — the subsidy instalments a what-if can move: those not received yet.
-- Grain: one row per awaited instalment (marts.subsidy_instalments_timeline, received_on NULL),
--        by the month the plan counts it in.
-- Columns: instalment_id, subsidy_id, kind ('avance' | 'acompte' | 'solde'), funder, scheme,
--          unit_code, amount, expected_on, status ('à venir' | 'en retard'),
--          treasury_month (NULL when beyond the plan's last month: then not in the plan),
--          in_plan (the plan counts it: treasury_month within the plan's months)
select t.instalment_id,
       t.subsidy_id,
       t.kind,
       t.funder,
       t.scheme,
       t.unit_code,
       t.amount,
       t.expected_on,
       t.status,
       t.treasury_month,
       t.treasury_month <= (select max(month) from marts.treasury_plan) as in_plan
from marts.subsidy_instalments_timeline as t
where t.received_on is null
order by t.treasury_month, t.expected_on, t.instalment_id
