-- Suivi volontariat — per member over the period.
-- Parameters: $unit, $date_from (inclusive), $date_to (exclusive).
-- Grain: one row per person with volunteering in the selection, most hours first.
-- Columns: person_key, person_name, is_matched (false: an Oceco citizen not tied to an e-mail yet,
--          see Répertoire), hours_validated, hours_pending, credits, credits_spent,
--          actions_validated, valuation, balance (the person's Oceco balance today, all units,
--          Oceco's own figure; NULL when unknown)
with
-- include: suivi_volontariat/_affiches.sql
, balances as (
    select l.person_key, sum(w.credits_balance) as balance
    from staging.stg_oceco__citoyen_wallets as w
    join marts.people_links as l on l.source = 'oceco' and l.source_id = w.citoyen_id
    group by l.person_key
)
select shown.person_key,
       any_value(shown.person_name)                        as person_name,
       any_value(shown.person_email) is not null           as is_matched,
       sum(hours_validated)::decimal(12, 2)                as hours_validated,
       sum(hours_pending)::decimal(12, 2)                  as hours_pending,
       sum(credits)::decimal(12, 2)                        as credits,
       sum(credits_spent)::decimal(12, 2)                  as credits_spent,
       sum(actions_validated)                              as actions_validated,
       sum(valuation)::decimal(14, 2)                      as valuation,
       any_value(balances.balance)                         as balance
from shown
left join balances using (person_key)
group by shown.person_key
order by hours_validated desc, hours_pending desc, person_name
