-- soiree_units — l'unité (code analytique) sur laquelle chaque soirée est imputée.
--
-- Grain: une ligne par évènement TiBillet dont l'unité est connue.
-- Columns:
--   event_id    identifiant TiBillet de l'évènement
--   unit_code   l'unité sur laquelle la soirée est imputée (ref.units), son code analytique dans Odoo
--   unit_source 'referent' (app.event_referents.unit_code, la plus récente saisie) ou 'dispatch'
--               (la from_unit du transfert de répartition le plus récent de la soirée)
--
-- Ni TiBillet ni Odoo ne disent à quel code analytique appartient une soirée : un évènement TiBillet
-- n'a pas de champ analytique, et Odoo ne connaît rien des évènements TiBillet. L'unité est donc ce
-- que les membres ont saisi dans Alambic : l'unité donnée avec les référent·es de la soirée, sinon
-- l'unité depuis laquelle ses recettes ont été réparties. Une soirée sans l'une ni l'autre n'a pas
-- encore d'unité (pas de coûts, rien à répartir tant que personne ne la renseigne).
with from_referents as (
    select event_id, unit_code, 1 as rank_source, updated_at, referent_id as id
    from app.event_referents
    where unit_code is not null
),

from_dispatch as (
    select event_id, from_unit as unit_code, 2 as rank_source, updated_at, transfer_id as id
    from app.internal_transfers
    where event_id is not null
)

select
    event_id,
    unit_code,
    case rank_source when 1 then 'referent' else 'dispatch' end as unit_source
from (select * from from_referents union all select * from from_dispatch)
where unit_code in (select unit_code from ref.units)
qualify row_number() over (partition by event_id order by rank_source, updated_at desc, id desc) = 1
