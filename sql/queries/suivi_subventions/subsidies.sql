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
--          unit's spending: see _shown.sql; the total counts a unit's spending once),
--          depense_partagee (its unit has several subsidies this exercice), verse_exercice, report_due_on,
--          next_expected_on, has_late_instalment (false on the total row),
--          budget_period (the exercice as the period filter writes it, for the link into Suivi
--          budgétaire), is_total, then source ('odoo' | 'saisie'), odoo_move_id, odoo_move_name,
--          match (how the follow-up is attached: marts.subsidy_matches)
WITH settings AS (
    SELECT coalesce(max(CASE WHEN key = 'fiscal_year_start_month' THEN CAST(value AS INTEGER) END), 1)
               AS start_month
    FROM ref.settings
),
-- include: suivi_subventions/_shown.sql
,
rows AS (
    SELECT s.subsidy_id,
           s.exercice,
           s.exercice_label,
           s.funder,
           s.scheme,
           s.unit_code,
           units.name AS unit_name,
           s.nature,
           s.demande,
           s.accorde,
           s.verse,
           s.reste_a_percevoir,
           s.depense_part AS depense,
           s.reste_part AS reste_a_depenser,
           s.depense_partagee,
           s.verse_exercice,
           s.report_due_on,
           s.next_expected_on,
           s.has_late_instalment,
           CASE WHEN settings.start_month = 1 THEN CAST(s.exercice AS VARCHAR)
                ELSE 'EX' || s.exercice END AS budget_period,
           false AS is_total,
           s.source,
           s.odoo_move_id,
           s.odoo_move_name,
           s.match
    FROM shared AS s
    CROSS JOIN settings
    LEFT JOIN marts.org_tree AS units ON units.unit_code = s.unit_code
)
SELECT * FROM rows
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       coalesce(sum(demande), 0)::DECIMAL(14, 2),
       coalesce(sum(accorde), 0)::DECIMAL(14, 2),
       coalesce(sum(verse), 0)::DECIMAL(14, 2),
       coalesce(sum(reste_a_percevoir), 0)::DECIMAL(14, 2),
       coalesce(sum(depense), 0)::DECIMAL(14, 2),
       coalesce(sum(reste_a_depenser), 0)::DECIMAL(14, 2),
       false,
       coalesce(sum(verse_exercice), 0)::DECIMAL(14, 2),
       NULL, NULL, false, NULL, true, NULL, NULL, NULL, NULL
FROM rows
ORDER BY is_total, funder, scheme, subsidy_id
