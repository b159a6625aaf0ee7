-- Suivi évènements — the dispatch of one soirée: its internal transfers (app.internal_transfers
-- with its event_id), the dépenses internes of its unit and recettes internes of the receivers.
-- Parameters: $event.
-- Columns: transfer_id, from_unit, to_unit, to_name, transfer_date, amount, reason, updated_by
select t.transfer_id, t.from_unit, t.to_unit, u.name as to_name, t.transfer_date, t.amount, t.reason, t.updated_by
from app.internal_transfers as t
left join ref.units as u on u.unit_code = t.to_unit
where t.event_id = $event
order by t.transfer_id
