-- Répartitions des étiquettes analytiques d'Odoo jusqu'à 15 : une étiquette avec
-- `active_analytic_distribution` répartit chaque ligne d'écriture où elle est posée entre des comptes
-- analytiques (account.analytic.distribution : account_id, percentage). À la comptabilisation, Odoo 15
-- crée une ligne analytique par ligne de répartition, en plus de celle du analytic_account_id propre
-- à la ligne. Les étiquettes sans répartition active ne sont que des libellés et ne donnent rien.
-- Une ligne par (étiquette, compte analytique).
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
