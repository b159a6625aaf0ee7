-- Suivi subventions — the KPI cards, over the subsidies of subsidies.sql (same parameters:
-- $unit, $date_from).
-- Grain: one row.
-- Columns: subsidy_count, accorde, verse, reste_a_percevoir, reste_a_depenser (sums over the
--          subsidies, as the table's total row: each unit's spending counted once, _shown.sql), late_count and late_amount (instalments not
--          received whose expected date is past), next_report_on (the earliest compte rendu due
--          on or after as_of) and next_report_funder
WITH settings AS (
    SELECT max(CASE WHEN key = 'as_of' THEN CAST(value AS DATE) END) AS as_of
    FROM ref.settings
),
-- include: suivi_subventions/_shown.sql
,
late AS (
    SELECT count(*) AS late_count, coalesce(sum(amount), 0) AS late_amount
    FROM marts.subsidy_instalments_timeline
    WHERE status = 'en retard'
      AND subsidy_key IN (SELECT subsidy_key FROM shared)
),
next_report AS (
    SELECT report_due_on, funder
    FROM shared
    CROSS JOIN settings
    WHERE report_due_on >= settings.as_of
    ORDER BY report_due_on, funder
    LIMIT 1
)
SELECT (SELECT count(*) FROM shared) AS subsidy_count,
       (SELECT coalesce(sum(accorde), 0) FROM shared)::DECIMAL(14, 2) AS accorde,
       (SELECT coalesce(sum(verse), 0) FROM shared)::DECIMAL(14, 2) AS verse,
       (SELECT coalesce(sum(reste_a_percevoir), 0) FROM shared)::DECIMAL(14, 2) AS reste_a_percevoir,
       (SELECT coalesce(sum(reste_part), 0) FROM shared)::DECIMAL(14, 2) AS reste_a_depenser,
       late.late_count,
       late.late_amount::DECIMAL(14, 2) AS late_amount,
       (SELECT report_due_on FROM next_report) AS next_report_on,
       (SELECT funder FROM next_report) AS next_report_funder
FROM late
