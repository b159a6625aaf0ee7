-- Suivi évènements — the dispatch of one soirée: its internal transfers (app.internal_transfers
-- with its event_id), the dépenses internes of its unit and recettes internes of the receivers.
-- Parameters: $event.
-- Columns: transfer_id, from_unit, to_unit, to_name, transfer_date, amount, reason, updated_by
SELECT t.transfer_id, t.from_unit, t.to_unit, u.name AS to_name, t.transfer_date, t.amount, t.reason, t.updated_by
FROM app.internal_transfers AS t
LEFT JOIN ref.units AS u ON u.unit_code = t.to_unit
WHERE t.event_id = $event
ORDER BY t.transfer_id
