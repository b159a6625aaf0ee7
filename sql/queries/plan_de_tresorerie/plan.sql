-- Plan de trésorerie — the monthly table: solde début, encaissements and décaissements by
-- category, their totals, the month's variation and solde fin, for the months of the period,
-- with the what-if applied.
--
-- Parameters: $date_from (inclusive), $date_to (exclusive): the months shown; the what-if
--             parameters below.
-- Grain: one row per table row × month shown, plus one row per table row with month NULL: the
--        « Total » column (solde début: the first month's opening; solde fin: the last month's
--        closing; every other row: the sum over the months shown).
-- Columns:
--   row_key          'solde_debut' | 'enc:<category>' | 'total_encaissements' | 'dec:<category>' |
--                    'total_decaissements' | 'variation' | 'solde_fin'
--   section          'solde_debut' | 'encaissement' | 'total_encaissements' | 'decaissement' |
--                    'total_decaissements' | 'variation' | 'solde_fin'
--   category_code    category rows: a code of ref.categories, 'autres' (bank movements of unknown
--                    category) or 'simulation' (the what-if's one-off movement); NULL otherwise
--   category_label   its label in ref.categories (NULL for 'autres' and 'simulation')
--   row_sort         the order of the rows: solde début, total encaissements then its categories,
--                    total décaissements then its categories, variation, solde fin
--   month            first day of the month; NULL for the « Total » column
--   kind             'reel' | 'previsionnel' (marts.treasury_plan's); NULL for the total column
--   amount           DECIMAL(14,2); variation = encaissements − décaissements
--   below_threshold  solde_fin rows: the closing balance is below the alert threshold
--   threshold        the alert threshold
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
),
shown_lines as (
    select * from scenario_lines where month in (select month from shown)
),
categories_shown as (
    select distinct direction, category_code from shown_lines
),
category_cells as (
    select c.direction,
           c.category_code,
           shown.month,
           shown.kind,
           coalesce(sum(l.amount), 0)::decimal(14, 2) as amount
    from categories_shown as c
    cross join shown
    left join shown_lines as l
        on l.direction = c.direction and l.category_code = c.category_code and l.month = shown.month
    group by all
),
cells as (
    select 'solde_debut' as row_key, 'solde_debut' as section, null as category_code, 0 as row_sort,
           month, kind, opening_balance as amount, null::boolean as below_threshold
    from shown
    union all
    select case c.direction when 'encaissement' then 'enc:' else 'dec:' end || c.category_code,
           c.direction,
           c.category_code,
           case c.direction when 'encaissement' then 101 else 201 end
               + coalesce(categories.sort, case c.category_code when 'autres' then 80 else 90 end),
           c.month, c.kind, c.amount, null
    from category_cells as c
    left join ref.categories as categories using (category_code)
    union all
    select 'total_encaissements', 'total_encaissements', null, 100, month, kind, encaissements, null
    from shown
    union all
    select 'total_decaissements', 'total_decaissements', null, 200, month, kind, decaissements, null
    from shown
    union all
    select 'variation', 'variation', null, 300, month, kind,
           (encaissements - decaissements)::decimal(14, 2), null
    from shown
    union all
    select 'solde_fin', 'solde_fin', null, 400, month, kind, closing_balance, below_threshold
    from shown
),
total_column as (
    select row_key, section, category_code, row_sort, null::date as month, null as kind,
           case section
               when 'solde_debut' then arg_min(amount, month)
               when 'solde_fin' then arg_max(amount, month)
               else sum(amount)
           end::decimal(14, 2) as amount,
           case section when 'solde_fin' then arg_max(below_threshold, month) end as below_threshold
    from cells
    group by row_key, section, category_code, row_sort
),
all_cells as (
    select * from cells
    union all
    select * from total_column
)
select all_cells.row_key,
       all_cells.section,
       all_cells.category_code,
       categories.label as category_label,
       all_cells.row_sort,
       all_cells.month,
       all_cells.kind,
       all_cells.amount,
       all_cells.below_threshold,
       (select max(threshold) from shown)::decimal(14, 2) as threshold
from all_cells
left join ref.categories as categories using (category_code)
order by all_cells.row_sort, all_cells.row_key, all_cells.month nulls last
