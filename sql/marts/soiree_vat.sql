-- soiree_vat — the VAT of each soirée, per rate, as Lespass closes its books: from the total
-- VAT included (TTC) of the rate, HT = TTC × 100 / (100 + rate) rounded half up to the cent,
-- and TVA = TTC − HT (so HT + TVA is always the TTC, to the cent).
--
-- Grain: one row per event × VAT rate of its attributed lines (marts.soiree_sale_lines) that
-- count in net sales (V, R, N: refunds and credit notes lower the rate's TTC).
-- Columns:
--   event_id      the soirée
--   vat_rate      the rate, percent (DECIMAL(5,2): 8.50, 2.10, 0.00 …)
--   ttc           DECIMAL(14,2), the lines' total VAT included
--   ht            DECIMAL(14,2), round half up of ttc × 100 / (100 + vat_rate)
--   tva           DECIMAL(14,2), ttc − ht
--   line_count    how many sale lines
-- Rounding is done once per soirée and rate, on the total (not line by line), as the
-- accounting closures of Lespass compute it; rounded half up (toward +∞ at exactly half a cent).
with totals as (
    select event_id, vat_rate, sum(amount) as ttc, count(*) as line_count
    from marts.soiree_sale_lines
    where status in ('V', 'R', 'N') and vat_rate is not null
    group by event_id, vat_rate
)

select
    event_id,
    vat_rate,
    ttc::decimal(14, 2)                                                            as ttc,
    (floor(ttc * 100 * 100 / (100 + vat_rate) + 0.5) / 100)::decimal(14, 2)       as ht,
    (ttc - floor(ttc * 100 * 100 / (100 + vat_rate) + 0.5) / 100)::decimal(14, 2) as tva,
    line_count
from totals
order by event_id, vat_rate
