-- Plan de trésorerie — the movements behind a figure (marts.treasury_lines, with the what-if
-- applied): what a click on a cell of the table lists.
--
-- Parameters: $date_from (inclusive), $date_to (exclusive): the months shown;
--             $month: one month (its first day), or NULL for every month shown;
--             $direction: 'encaissement' | 'decaissement' | '' (both);
--             $category: a category code ('autres', 'simulation' included) or '' (every one);
--             and the what-if parameters below.
-- Grain: one row per movement: the what-if's first, then by month, money in before money out,
--        largest first.
-- Columns: line_key, month, kind ('reel' | 'previsionnel', the month's in the plan), expected_on,
--          source ('banque' | 'facture_ouverte' | 'brouillon' | 'prevision' |
--          'echeance_subvention' | 'simulation'), direction, category_code, category_label
--          (ref.categories; NULL for 'autres' and 'simulation'), unit_code, unit_name, label,
--          partner, reference, amount (positive), signed_amount (négatif pour un décaissement),
--          simulated (added or moved by the what-if)
--
-- What-if parameters (nothing is saved: the simulation lives in these parameters only):
--   $moved_instalment  an awaited instalment (instalment_id) to move; NULL: none
--   $moved_to          the month it is moved to (never before the as_of month); NULL: none
--   $oneoff_amount     a one-off movement, positive; NULL or 0: none
--   $oneoff_month      its month (never before the as_of month)
--   $oneoff_direction  'encaissement' | 'decaissement'
--   $oneoff_label      its label
-- The scenario CTEs come from _scenario.sql, shared by plan.sql, indicateurs.sql and lignes.sql.
-- Without what-if, the scenario's months are exactly marts.treasury_plan (tested).
-- include: plan_de_tresorerie/_scenario.sql
shown as (
    select *
    from scenario_plan
    where month >= date_trunc('month', cast($date_from as date))
      and month < cast($date_to as date)
      and (cast($month as date) is null or month = date_trunc('month', cast($month as date)))
)
select l.line_key,
       l.month,
       shown.kind,
       l.expected_on,
       l.source,
       l.direction,
       l.category_code,
       categories.label as category_label,
       l.unit_code,
       units.name as unit_name,
       l.label,
       l.partner,
       l.reference,
       l.amount::decimal(14, 2) as amount,
       (case l.direction when 'decaissement' then -l.amount else l.amount end)::decimal(14, 2)
           as signed_amount,
       l.simulated
from scenario_lines as l
join shown using (month)
left join ref.categories as categories on categories.category_code = l.category_code
left join marts.org_tree as units on units.unit_code = l.unit_code
where ($direction = '' or l.direction = $direction)
  and ($category = '' or l.category_code = $category)
order by l.simulated desc, l.month, l.direction desc, l.amount desc, l.line_key
