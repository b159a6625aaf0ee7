-- Suivi subventions — the KPI cards, over the subsidies of subventions.sql (same parameters:
-- $unit, $date_from).
-- Grain: one row.
-- Columns: subsidy_count, accorde, verse, reste_a_percevoir, reste_a_depenser (sums over the
--          subsidies, as the table's total row: each unit's spending counted once, _affichees.sql), late_count and late_amount (instalments not
--          received whose expected date is past), next_report_on (the earliest compte rendu due
--          on or after as_of) and next_report_funder
with settings as (
    select as_of
    from staging.stg_ref__settings
),
-- include: suivi_subventions/_affichees.sql
,
late as (
    select count(*) as late_count, coalesce(sum(amount), 0) as late_amount
    from marts.subsidy_instalments_timeline
    where status = 'en retard'
      and subsidy_key in (select subsidy_key from shared)
),
next_report as (
    select report_due_on, funder
    from shared
    cross join settings
    where report_due_on >= settings.as_of
    order by report_due_on, funder
    limit 1
)
select (select count(*) from shared) as subsidy_count,
       (select coalesce(sum(accorde), 0) from shared)::decimal(14, 2) as accorde,
       (select coalesce(sum(verse), 0) from shared)::decimal(14, 2) as verse,
       (select coalesce(sum(reste_a_percevoir), 0) from shared)::decimal(14, 2) as reste_a_percevoir,
       (select coalesce(sum(reste_part), 0) from shared)::decimal(14, 2) as reste_a_depenser,
       late.late_count,
       late.late_amount::decimal(14, 2) as late_amount,
       (select report_due_on from next_report) as next_report_on,
       (select funder from next_report) as next_report_funder
from late
