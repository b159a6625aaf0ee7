-- Tableau de bord — the subsidy cards: the subsidies of a unit (and its subtree) whose période de
-- réalisation touches the period shown.
--
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive).
-- marts.subsidy_tracking has one row per subsidy × exercice with the subsidy's own amounts
-- repeated on each row: each subsidy is counted once here.
-- Columns (one row):
--   nombre              number of subsidies
--   demande             amounts requested
--   accorde             amounts granted (0 while not granted)
--   verse               instalments received
--   reste_a_percevoir   accorde − verse
--   en_retard           number of subsidies with an instalment late
with subsidies as (
    select distinct subsidy_key, demande, accorde, verse, reste_a_percevoir, has_late_instalment
    from marts.subsidy_tracking
    where unit_code in (select unit_code from marts.org_rollup where ancestor_code = $unit)
      and period_start < cast($date_to as date)
      and period_end >= cast($date_from as date)
)
select count(*) as nombre,
       coalesce(sum(demande), 0)::decimal(14,2) as demande,
       coalesce(sum(accorde), 0)::decimal(14,2) as accorde,
       coalesce(sum(verse), 0)::decimal(14,2) as verse,
       coalesce(sum(reste_a_percevoir), 0)::decimal(14,2) as reste_a_percevoir,
       count(*) filter (where has_late_instalment) as en_retard
from subsidies
