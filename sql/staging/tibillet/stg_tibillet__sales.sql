-- TiBillet sale lines (Lespass API v2 /api/v2/sales/), one row per sale line.
--
-- The line's own fields sit in `additionalProperty` as {name, value} pairs: sale_line_uuid,
-- quantity (a string, e.g. "2.000000", negative for refunds and credit notes), vat (a
-- percentage string), payment_method (only when known) and status.
-- unit_price: offers.price, the unit price in euros VAT included ("12", "10.5").
-- amount = unit_price × quantity, rounded to the cent (negative for a refund).
-- sold_at: datePublished, UTC with microseconds.
-- soiree_day: the local day of the soirée the line belongs to. A line carries no event id, so
--   it is attributed by time: the soirée's day runs from the pivot (ref.settings day_pivot,
--   04:00 as TiBillet counts it) to the pivot the next day, in the organisation's time zone —
--   a drink sold at 01:30 on Sunday belongs to Saturday's soirée.
-- status: V confirmed, P paid not confirmed, R refunded, N credit note, C cancelled,
--   O created, U unpaid, F free booking, D failed. Net sales = V + R + N lines.
with source as (
    select payload from raw_tibillet.sales
),

properties as (
    select
        payload,
        list_transform(
            json_extract(payload, '$.additionalProperty[*]'),
            lambda p: {'name': p->>'name', 'value': p->>'value'}
        ) as props
    from source
),

settings as (
    select timezone as tz, day_pivot from staging.stg_ref__settings
),

renamed as (
    select
        list_filter(props, lambda p: p.name = 'sale_line_uuid')[1].value  as sale_line_id,
        payload->>'productID'                                             as product_id,
        payload->>'name'                                                  as product_name,
        payload->>'category'                                              as product_category,
        try_cast(payload->>'datePublished' as timestamptz)                as sold_at,
        (payload->'offers'->>'price')::decimal(14, 2)                     as unit_price,
        (list_filter(props, lambda p: p.name = 'quantity')[1].value)::decimal(14, 6)  as quantity,
        (list_filter(props, lambda p: p.name = 'vat')[1].value)::decimal(5, 2)        as vat_rate,
        list_filter(props, lambda p: p.name = 'payment_method')[1].value  as payment_method,
        list_filter(props, lambda p: p.name = 'status')[1].value          as status
    from properties
)

select
    sale_line_id,
    product_id,
    product_name,
    product_category,
    sold_at,
    unit_price,
    quantity,
    round(unit_price * quantity, 2)::decimal(14, 2) as amount,
    cast(timezone(settings.tz, sold_at) - settings.day_pivot as date) as soiree_day,
    vat_rate,
    payment_method,
    status,
    status in ('V', 'R', 'N') as counts_in_net_sales
from renamed
cross join settings
