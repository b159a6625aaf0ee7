-- treasury_flows — the plan de trésorerie's rows: encaissements and décaissements per month,
-- by category and by where the figure comes from.
--
-- Grain: one row per month × direction × category × source with a non-zero amount
-- (the sum of marts.treasury_lines; see there how each movement is found and dated).
-- Columns:
--   month          first day of the month
--   kind           'reel' (months before the as_of month: bank movements only) |
--                  'previsionnel' (the as_of month and later)
--   direction      'encaissement' (money in) | 'decaissement' (money out)
--   category_code  a budget category of ref.categories, or 'autres' (bank movements whose
--                  category is unknown)
--   category_label its label ('Autres mouvements' for 'autres')
--   source         'banque' | 'facture_ouverte' | 'brouillon' | 'prevision' | 'echeance_subvention'
--   amount         DECIMAL(14,2), positive: the total of the lines
--   line_count     how many treasury_lines make it up
select
    lines.month,
    lines.kind,
    lines.direction,
    lines.category_code,
    coalesce(categories.label, 'Autres mouvements')   as category_label,
    lines.source,
    sum(lines.amount)::decimal(14, 2)                 as amount,
    count(*)                                          as line_count
from marts.treasury_lines as lines
left join ref.categories as categories using (category_code)
group by all
order by lines.month, lines.direction desc, lines.category_code, lines.source
