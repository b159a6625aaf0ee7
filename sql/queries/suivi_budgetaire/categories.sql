-- Suivi budgétaire — the budget categories, for the drill-down choice.
-- Columns: category_code, label, direction ('depense' | 'recette'), sort
SELECT category_code, label, direction, sort
FROM ref.categories
ORDER BY CASE direction WHEN 'depense' THEN 0 ELSE 1 END, sort, category_code
