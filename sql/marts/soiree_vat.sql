-- soiree_vat — la TVA de chaque soirée, par taux, comme Lespass clôture ses comptes : à partir du
-- total TTC du taux, HT = TTC × 100 / (100 + taux) arrondi au centime (le demi-centime vers le haut), et
-- TVA = TTC − HT (donc HT + TVA vaut toujours le TTC, au centime).
--
-- Grain: une ligne par évènement × taux de TVA de ses lignes attribuées (marts.soiree_sale_lines)
-- qui comptent dans les ventes nettes (V, R, N : remboursements et avoirs diminuent le TTC du taux).
-- Columns:
--   event_id      la soirée
--   vat_rate      le taux, pour cent (DECIMAL(5,2) : 8.50, 2.10, 0.00 …)
--   ttc           DECIMAL(14,2), le total TTC des lignes
--   ht            DECIMAL(14,2), ttc × 100 / (100 + vat_rate) arrondi au demi supérieur
--   tva           DECIMAL(14,2), ttc − ht
--   line_count    combien de lignes de vente
-- L'arrondi se fait une fois par soirée et par taux, sur le total (pas ligne à ligne), comme le
-- calculent les clôtures comptables de Lespass ; arrondi au demi supérieur (vers +∞ à exactement
-- un demi-centime).
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
