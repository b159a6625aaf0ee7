-- treasury_plan — le plan de trésorerie de toute l'organisation, mois par mois.
--
-- Grain: une ligne par mois, du premier mois de l'historique bancaire (le mois d'as_of s'il n'y en
-- a pas) à 12 mois après as_of, mois sans aucun mouvement compris.
-- Columns:
--   month            premier jour du mois
--   kind             'reel' (avant le mois d'as_of : mouvements bancaires) | 'previsionnel' (le mois
--                    d'as_of et après : ses mouvements bancaires jusqu'ici plus ce qui est encore attendu)
--   opening_balance  solde début : le solde fin du mois précédent ; le premier mois s'ouvre sur le
--                    solde des comptes bancaires (lignes d'écritures sur les comptes asset_cash)
--                    daté d'avant lui — 0 quand l'historique bancaire commence avec le compte
--   encaissements    entrées d'argent du mois (somme de treasury_flows, sens 'encaissement')
--   decaissements    sorties d'argent du mois, en positif (sens 'decaissement')
--   closing_balance  solde fin = opening_balance + encaissements − decaissements
--   threshold        le seuil d'alerte ([alerts] cash_threshold, 0 par défaut)
--   below_threshold  closing_balance < threshold
-- Tous les montants en DECIMAL(14,2).

with settings as (
    select
        date_trunc('month', as_of)::date                     as as_of_month,
        date_trunc('month', as_of + interval 12 month)::date as last_month,
        cash_threshold::decimal(14, 2)                       as threshold
    from staging.stg_ref__settings
),

first_month as (
    select least(
        coalesce((select date_trunc('month', min(line_date))
                  from staging.stg_odoo__bank_statement_lines), settings.as_of_month),
        settings.as_of_month
    )::date as first_month
    from settings
),

-- the bank balance before the first month (an opening entry on the bank account, if any)
balance_before as (
    select coalesce(sum(lines.balance), 0) as balance
    from staging.stg_odoo__account_move_lines as lines
    join staging.stg_odoo__accounts as accounts using (account_id)
    cross join first_month
    where accounts.account_type = 'asset_cash'
      and lines.parent_state = 'posted'
      and lines.line_date < first_month.first_month
),

months as (
    select month::date as month
    from first_month, settings,
        unnest(generate_series(first_month.first_month::timestamp, settings.last_month::timestamp,
                               interval 1 month)) as m(month)
),

flows as (
    select
        month,
        sum(amount) filter (where direction = 'encaissement') as encaissements,
        sum(amount) filter (where direction = 'decaissement') as decaissements
    from marts.treasury_flows
    group by month
),

monthly as (
    select
        months.month,
        coalesce(flows.encaissements, 0)::decimal(14, 2) as encaissements,
        coalesce(flows.decaissements, 0)::decimal(14, 2) as decaissements
    from months
    left join flows using (month)
),

running as (
    select
        monthly.*,
        -- the closing balance: what was there before the plan, plus every month's net so far
        (balance_before.balance
         + sum(encaissements - decaissements) over (order by month
                                                     rows between unbounded preceding and current row)
        )::decimal(14, 2) as closing_balance
    from monthly
    cross join balance_before
)

select
    running.month,
    case when running.month < settings.as_of_month then 'reel' else 'previsionnel' end as kind,
    (running.closing_balance - running.encaissements + running.decaissements)::decimal(14, 2)
                                                               as opening_balance,
    running.encaissements,
    running.decaissements,
    running.closing_balance,
    settings.threshold::decimal(14, 2)                         as threshold,
    running.closing_balance < settings.threshold               as below_threshold
from running
cross join settings
order by running.month
