-- The subsidies of the exercice shown ($date_from: the exercice holding that day) for $unit and
-- the units below it, each with its share of its unit's spending.
--
-- marts.subsidy_tracking gives each subsidy what its unit spent over its period (`depense`):
-- two subsidies of one unit see the same expenses. Shown as is, the unit's spending repeats on
-- each of its subsidies and a total adds the repeats. Here the spending of a unit is shared
-- between its subsidies of the exercice in proportion to the amounts granted (equally while none
-- is granted): depense_part = depense × share, reste_a_depenser = accorde − depense_part. A single
-- subsidy of a unit keeps its whole spending (share 1). depense_partagee: the unit has several.
shown AS (
    SELECT s.*,
           count(*) OVER (PARTITION BY s.unit_code) AS unit_subsidies,
           CASE WHEN sum(coalesce(s.accorde, 0)) OVER (PARTITION BY s.unit_code) > 0
                THEN CAST(coalesce(s.accorde, 0) AS DOUBLE)
                     / CAST(sum(coalesce(s.accorde, 0)) OVER (PARTITION BY s.unit_code) AS DOUBLE)
                ELSE 1.0 / count(*) OVER (PARTITION BY s.unit_code) END AS share
    FROM marts.subsidy_tracking AS s
    WHERE s.exercice_start <= CAST($date_from AS DATE)
      AND s.exercice_end >= CAST($date_from AS DATE)
      AND s.unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit)
),
shared AS (
    SELECT shown.*,
           CAST(round(depense * share, 2) AS DECIMAL(14, 2)) AS depense_part,
           CAST(coalesce(accorde, 0) - round(depense * share, 2) AS DECIMAL(14, 2)) AS reste_part,
           unit_subsidies > 1 AS depense_partagee
    FROM shown
)
