-- 0008 — an undo is a change like any other, and says which change it reverses.
--
-- The change log (page « Journal des modifications », models/audit.py) lets admin and finance
-- undo a change: the row goes back to the line's `before` through the same form model (rights,
-- lost-update check), and the undo writes its own audit line, whose `action` is
-- 'undo_insert' | 'undo_update' | 'undo_delete' (the kind of change reversed) and whose
-- `undoes` is the audit_id of the line it reverses. Other lines leave `undoes` NULL.
ALTER TABLE app.audit_log ADD COLUMN IF NOT EXISTS undoes BIGINT;
