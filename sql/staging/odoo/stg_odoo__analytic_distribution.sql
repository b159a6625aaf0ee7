-- Comment chaque ligne d'écriture se répartit entre les unités de l'organisation : une ligne par
-- (ligne d'écriture, compte analytique d'une unité), avec le pourcentage de la ligne (voir
-- stg_odoo__move_line_analytic pour les formes d'Odoo 15 et 16+). Les comptes du plan de l'arbre
-- quand la ligne en a ; sinon ceux des autres plans que les unités citent (une ligne à 100 % sur un
-- pôle et à 100 % sur « Administration » est imputée au pôle). Cette vue dit où une facture est
-- imputée (p. ex. pour rattacher une facture de co-rémunération à son unité) ; ce qui compte où,
-- au centime près, c'est marts.ledger_allocation qui le dit.
with mapped as (
    select * from staging.stg_odoo__move_line_analytic
    where unit_code is not null and plan_rank is not null
)

select move_line_id, analytic_account_id, unit_code, pct
from mapped
where plan_rank = 0
   or move_line_id not in (select move_line_id from mapped where plan_rank = 0)
