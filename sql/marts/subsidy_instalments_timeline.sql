-- subsidy_instalments_timeline — the échéancier of every subsidy: one row per instalment.
--
-- Grain: one row per instalment (app.subsidy_instalments).
-- Columns:
--   instalment_id, subsidy_id   the instalment and its subsidy (app.subsidy_instalments)
--   funder, scheme, unit_code, nature   the subsidy's (app.subsidies)
--   kind          'avance' | 'acompte' | 'solde'
--   amount        DECIMAL(14,2)
--   expected_on   the date it is expected
--   received_on   the date it was received (NULL: not yet)
--   status        'reçu' (received_on set) | 'en retard' (not received, expected_on before
--                 as_of) | 'à venir' (not received, expected on as_of or later)
--   days_late     as_of − expected_on for an instalment 'en retard'; NULL otherwise
--   treasury_month  the month marts.treasury_plan counts it in (an awaited instalment: its
--                 expected month, or the as_of month when late); NULL once received
with settings as (
    select max(case when key = 'as_of' then value::date end) as as_of
    from ref.settings
)

select
    instalments.instalment_id,
    instalments.subsidy_id,
    subsidies.funder,
    subsidies.scheme,
    subsidies.unit_code,
    subsidies.nature,
    instalments.kind,
    instalments.amount,
    instalments.expected_on,
    instalments.received_on,
    case
        when instalments.received_on is not null      then 'reçu'
        when instalments.expected_on < settings.as_of then 'en retard'
        else 'à venir'
    end                                                             as status,
    case
        when instalments.received_on is null and instalments.expected_on < settings.as_of
            then settings.as_of - instalments.expected_on
    end                                                             as days_late,
    case
        when instalments.received_on is null
            then greatest(date_trunc('month', instalments.expected_on),
                          date_trunc('month', settings.as_of))::date
    end                                                             as treasury_month
from app.subsidy_instalments as instalments
join app.subsidies as subsidies using (subsidy_id)
cross join settings
order by instalments.subsidy_id, instalments.expected_on, instalments.instalment_id
