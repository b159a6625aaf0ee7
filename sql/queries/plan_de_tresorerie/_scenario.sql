-- Plan de trésorerie — the what-if scenario shared by plan.sql, indicateurs.sql and lignes.sql, which
-- include it (a line `-- include: plan_de_tresorerie/_scenario.sql`): the CTEs from `plan` to
-- `scenario_plan`, ending with a comma. scenario_lines: marts.treasury_lines with the instalment
-- moved and the one-off added; scenario_plan: the months rebuilt from them.
-- Parameters: the what-if parameters described in plan.sql.
with plan as (
    select * from marts.treasury_plan
),
horizon as (
    select min(month) as first_month,
           max(month) as last_month,
           coalesce(min(month) filter (where kind = 'previsionnel'), max(month)) as first_forecast_month
    from plan
),
plan_opening as (
    -- the balance before the plan's first month
    select opening_balance from plan order by month limit 1
),
moved as (
    -- the instalment the what-if moves, out of its month and into the chosen one
    select t.instalment_id,
           t.subsidy_id,
           t.subsidy_key,
           t.kind,
           t.funder,
           t.scheme,
           t.unit_code,
           t.amount,
           greatest(date_trunc('month', cast($moved_to as date)), horizon.first_forecast_month)::date
               as to_month
    from marts.subsidy_instalments_timeline as t
    cross join horizon
    where t.instalment_id = cast($moved_instalment as bigint)
      and t.received_on is null
      and cast($moved_to as date) is not null
),
oneoff as (
    select greatest(date_trunc('month', cast($oneoff_month as date)), horizon.first_forecast_month)::date
               as month,
           cast($oneoff_amount as decimal(14, 2)) as amount
    from horizon
    where cast($oneoff_amount as decimal(14, 2)) > 0
      and cast($oneoff_month as date) is not null
      and $oneoff_direction in ('encaissement', 'decaissement')
),
scenario_lines as (
    select line_key, source, month, expected_on, direction, category_code, unit_code, label,
           partner, reference, amount, false as simulated
    from marts.treasury_lines
    where line_key not in (select 'subvention:' || instalment_id from moved)
    union all
    select 'simulation:subvention:' || moved.instalment_id,
           'echeance_subvention',
           moved.to_month,
           moved.to_month,
           'encaissement',
           'subventions',
           moved.unit_code,
           moved.kind || ' ' || moved.funder || coalesce(' – ' || nullif(moved.scheme, ''), ''),
           moved.funder,
           coalesce('subvention n° ' || moved.subsidy_id, moved.subsidy_key),
           moved.amount,
           true
    from moved
    cross join horizon
    where moved.to_month <= horizon.last_month
    union all
    select 'simulation:ponctuel',
           'simulation',
           oneoff.month,
           oneoff.month,
           $oneoff_direction,
           'simulation',
           null,
           $oneoff_label,
           null,
           null,
           oneoff.amount,
           true
    from oneoff
    cross join horizon
    where oneoff.month <= horizon.last_month
),
monthly as (
    select plan.month,
           plan.kind,
           plan.threshold,
           coalesce(sum(l.amount) filter (where l.direction = 'encaissement'), 0)::decimal(14, 2)
               as encaissements,
           coalesce(sum(l.amount) filter (where l.direction = 'decaissement'), 0)::decimal(14, 2)
               as decaissements
    from plan
    left join scenario_lines as l using (month)
    group by plan.month, plan.kind, plan.threshold
),
balances as (
    -- each month closes on the plan's opening plus every month's net so far, and opens on the
    -- previous month's close
    select monthly.*,
           (plan_opening.opening_balance
            + sum(encaissements - decaissements) over (order by month
                                                       rows between unbounded preceding and current row)
           )::decimal(14, 2) as closing_balance
    from monthly
    cross join plan_opening
),
scenario_plan as (
    select month,
           kind,
           (closing_balance - encaissements + decaissements)::decimal(14, 2) as opening_balance,
           encaissements,
           decaissements,
           closing_balance,
           threshold,
           closing_balance < threshold as below_threshold
    from balances
),
