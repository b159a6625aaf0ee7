-- Suivi évènements — the units a soirée can be booked on (everything but La Raffinerie itself),
-- in the tree's order, and the pôles its takings can be dispatched to.
-- Columns: unit_code, name, level, label (« Name (code) »), is_pole
SELECT unit_code, name, level, name || ' (' || unit_code || ')' AS label, level = 'pole' AS is_pole
FROM marts.org_tree
WHERE level <> 'organisation'
ORDER BY sort, path
