-- Every budget line's category exists in the configuration, with the same direction.
select lines.line_key, lines.category_code, lines.direction
from marts.budget_lines as lines
left join ref.categories as categories using (category_code)
where categories.direction is distinct from lines.direction
