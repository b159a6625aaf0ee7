-- Suivi subventions — the table: one row per subsidy of the exercice, then a total row.
--
-- Parameters: $unit (a unit code: subsidies of that unit and the units below it, through
--             marts.org_rollup), $date_from (a day: the exercice shown is the one holding it).
-- Grain: one row per subsidy of marts.subsidy_tracking for that exercice, by financeur, then one
--        total row (is_total = true). A subsidy's amounts describe it as a whole (see the mart):
--        the total adds them up within this one exercice.
-- Columns: subsidy_id, exercice, exercice_label, funder, scheme, unit_code, unit_name, nature
--          ('fonctionnement' | 'investissement'), demande, accorde (NULL while not granted),
--          verse, reste_a_percevoir, depense and reste_a_depenser (the subsidy's share of its
--          unit's spending: see _affichees.sql; the total counts a unit's spending once),
--          depense_partagee (its unit has several subsidies this exercice), verse_exercice, report_due_on,
--          next_expected_on, has_late_instalment (false on the total row),
--          budget_period (the exercice as the period filter writes it, for the link into Suivi
--          budgétaire), is_total, then source ('odoo' | 'saisie'), odoo_move_id, odoo_move_name,
--          match (how the follow-up is attached: marts.subsidy_matches)
with settings as (
    select fiscal_year_start_month as start_month
    from staging.stg_ref__settings
),
-- include: suivi_subventions/_affichees.sql
,
rows as (
    select s.subsidy_id,
           s.exercice,
           s.exercice_label,
           s.funder,
           s.scheme,
           s.unit_code,
           units.name as unit_name,
           s.nature,
           s.demande,
           s.accorde,
           s.verse,
           s.reste_a_percevoir,
           s.depense_part as depense,
           s.reste_part as reste_a_depenser,
           s.depense_partagee,
           s.verse_exercice,
           s.report_due_on,
           s.next_expected_on,
           s.has_late_instalment,
           case when settings.start_month = 1 then cast(s.exercice as varchar)
                else 'EX' || s.exercice end as budget_period,
           false as is_total,
           s.source,
           s.odoo_move_id,
           s.odoo_move_name,
           s.match
    from shared as s
    cross join settings
    left join marts.org_tree as units on units.unit_code = s.unit_code
)
select * from rows
union all
select null, null, null, null, null, null, null, null,
       coalesce(sum(demande), 0)::decimal(14, 2),
       coalesce(sum(accorde), 0)::decimal(14, 2),
       coalesce(sum(verse), 0)::decimal(14, 2),
       coalesce(sum(reste_a_percevoir), 0)::decimal(14, 2),
       coalesce(sum(depense), 0)::decimal(14, 2),
       coalesce(sum(reste_a_depenser), 0)::decimal(14, 2),
       false,
       coalesce(sum(verse_exercice), 0)::decimal(14, 2),
       null, null, false, null, true, null, null, null, null
from rows
order by is_total, funder, scheme, subsidy_id
