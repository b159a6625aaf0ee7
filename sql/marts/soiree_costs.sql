-- soiree_costs — les coûts comptabilisés dans Odoo pour chaque soirée.
--
-- Grain: une ligne par soirée × ligne budgétaire de dépense Odoo qui lui est attribuée.
-- Columns:
--   event_id, line_key (marts.budget_lines), unit_code, category_code, line_date, label,
--   partner, reference, amount (positif : une dépense), status, counts_as ('reel' | 'engage')
--
-- Une ligne est celle de la soirée quand :
--   - elle vient d'Odoo (budget_lines.source = 'odoo'), dans une catégorie de dépense, réelle
--     (comptabilisée) ou engagée (brouillon) ;
--   - elle est imputée sur l'unité de la soirée (marts.soiree_units) ou une unité en dessous ;
--   - son libellé contient la date de la soirée au format jj/mm/aaaa (« Cachet – Kabar (15/03/2025) »).
-- La date dans le libellé est la convention sur laquelle repose ce mart, car une unité comme le
-- Café culturel accueille de nombreuses soirées et aussi des coûts qui ne sont ceux d'aucune
-- soirée (loyer, énergie) : sans elle, une ligne ne peut pas être distinguée. Que les comptables de
-- La Raffinerie écrivent bien la date ainsi N'EST PAS VÉRIFIÉ ; un compte analytique par soirée
-- (une unité au niveau « action ») ferait de chaque ligne de ce compte celle de la soirée — il
-- faudrait encore la date dans le libellé ici.
with soirees as (
    select units.event_id, units.unit_code, events.soiree_day
    from marts.soiree_units as units
    join staging.stg_tibillet__events as events using (event_id)
    where events.soiree_day is not null
)

select
    soirees.event_id,
    lines.line_key,
    lines.unit_code,
    lines.category_code,
    lines.line_date,
    lines.label,
    lines.partner,
    lines.reference,
    lines.amount,
    lines.status,
    lines.counts_as
from soirees
join marts.org_rollup as rollup
    on rollup.ancestor_code = soirees.unit_code
join marts.budget_lines as lines
    on lines.unit_code = rollup.unit_code
   and lines.source = 'odoo'
   and lines.direction = 'depense'
   and lines.counts_as in ('reel', 'engage')
   and contains(coalesce(lines.label, ''), strftime(soirees.soiree_day, '%d/%m/%Y'))
