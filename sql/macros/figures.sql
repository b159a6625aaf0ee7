-- The definitions of the budget figures, written once: every mart, page query and alert that
-- shows a « % consommé » or an overrun calls these macros (the build creates them before the
-- staging views, in the same transaction).
--
-- pct_consomme(reel, engage, previsionnel)
--   (reel + engage) / previsionnel, a ratio (0.125 = 12,5 %): what is spent or committed out of
--   what was planned. NULL when there is no forecast (previsionnel = 0 or NULL): there is no
--   percentage of nothing, the page shows « — » (never NaN nor an infinite percentage).
--   For a recette category the same ratio reads « % réalisé ».
create or replace macro marts.pct_consomme(reel, engage, previsionnel) as
    case when coalesce(previsionnel, 0) > 0
         then cast(coalesce(reel, 0) + coalesce(engage, 0) as double) / cast(previsionnel as double)
    end;

-- montant_depassement(direction, reel, engage, previsionnel)
--   For a dépense: what is spent or committed beyond the forecast, reel + engage − previsionnel,
--   when it is positive; 0 otherwise, and always 0 for a recette (receiving more than planned is
--   no overrun). An expense without any forecast overruns by its whole amount.
create or replace macro marts.montant_depassement(direction, reel, engage, previsionnel) as
    cast(case when direction = 'depense'
                   and coalesce(reel, 0) + coalesce(engage, 0) > coalesce(previsionnel, 0)
              then coalesce(reel, 0) + coalesce(engage, 0) - coalesce(previsionnel, 0)
              else 0 end as decimal(14, 2));

-- depassement(direction, reel, engage, previsionnel)
--   true when montant_depassement > 0: a dépense category spent or committed beyond its forecast.
create or replace macro marts.depassement(direction, reel, engage, previsionnel) as
    marts.montant_depassement(direction, reel, engage, previsionnel) > 0;

-- exercice_debut(day, start_month)
--   The first day of the exercice (financial year) holding `day`, when exercices start on the 1st
--   of month `start_month` (fiscal_year_start_month): 2025-09-01 for 2025-11-27 and for
--   2026-08-31 with start_month = 9; 2025-01-01 for any day of 2025 with start_month = 1. Its
--   year is the exercice's number. The one place SQL works out an exercice.
create or replace macro marts.exercice_debut(day, start_month) as
    make_date(year(day) - cast(month(day) < start_month as integer), start_month, 1);

-- exercice_periode(day, start_month)
--   The exercice holding `day`, written as the period filter reads it: '2025' when the exercice
--   is the calendar year (start_month = 1), else 'EX2025' (the year it starts in).
create or replace macro marts.exercice_periode(day, start_month) as
    case when start_month = 1 then cast(year(day) as varchar)
         else 'EX' || cast(year(marts.exercice_debut(day, start_month)) as varchar) end;

-- seul_candidat(left_key, right_key)
--   The one-to-one pairing rule, over a set of candidate pairs (one row per pair: a member's
--   entry and a line of a source that may be the same thing): true for a pair whose left side has
--   no other candidate AND whose right side has no other candidate. Anything else is a doubt, and
--   a doubt is shown, never guessed. A window expression: use it in the SELECT of the candidate
--   pairs (subsidy_matches: follow-up ↔ Odoo subsidy; remuneration_proposals: proposal ↔ bill).
create or replace macro marts.seul_candidat(left_key, right_key) as
    (count(*) over (partition by left_key) = 1 and count(*) over (partition by right_key) = 1);
