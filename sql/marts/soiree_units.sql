-- soiree_units — the unit (analytic code) each soirée is booked on.
--
-- Grain: one row per TiBillet event whose unit is known.
-- Columns:
--   event_id    TiBillet event identifier
--   unit_code   the unit the soirée is booked on (ref.units), its analytic code in Odoo
--   unit_source 'referent' (app.event_referents.unit_code, the latest entered) or 'dispatch'
--               (the from_unit of the soirée's latest dispatched transfer)
--
-- Neither TiBillet nor Odoo says which analytic code a soirée belongs to: a TiBillet event has
-- no analytic field, and Odoo knows nothing of TiBillet events. So the unit is what members
-- entered in Alambic: the unit given with the soirée's référent·es, else the unit its takings
-- were dispatched from. A soirée with neither has no unit yet (no costs, nothing to dispatch
-- from until someone sets it).
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
