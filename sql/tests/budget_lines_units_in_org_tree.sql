-- Every budget line is booked on a unit of the organisation tree (a proposal or a transfer
-- entered for a unit since removed from the configuration would otherwise vanish from roll-ups).
select lines.line_key, lines.unit_code
from marts.budget_lines as lines
anti join marts.org_tree as tree using (unit_code)
