-- 0012 — a member's follow-up of a subsidy (app.subsidies) attaches to the subsidy booked in
-- Odoo (a posted move with a 74… line, marts.odoo_subsidy_moves) instead of duplicating it.
--
-- odoo_move_id: the Odoo move (account.move id) the follow-up belongs to, set by a member in the
-- subsidy form. When it is empty, marts.subsidy_matches matches the follow-up to an Odoo subsidy
-- only when exactly one fits (same funder, same amount granted, same exercice) and that Odoo
-- subsidy fits no other follow-up; otherwise nothing is guessed and the page says so.
ALTER TABLE app.subsidies ADD COLUMN IF NOT EXISTS odoo_move_id BIGINT;
