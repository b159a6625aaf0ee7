-- soiree_unattributed_lines — les lignes de vente TiBillet qui n'appartiennent à aucune soirée : ce
-- que marts.soiree_sale_lines n'a pas pu attribuer (à vérifier à la main : une vente un jour sans
-- évènement, un billet dont aucune réservation ne nomme le tarif, vendu hors de tout jour de soirée).
--
-- Grain: une ligne par ligne de vente de statut V, P, F, R ou N absente de marts.soiree_sale_lines.
-- Columns:
--   sale_line_id   identifiant TiBillet de la ligne de vente
--   product_id, product_name, product_category   son produit
--   sold_at        quand elle a été vendue (UTC)
--   line_day       le jour de soirée de la ligne (bascule à 04:00)
--   unit_price     euros TTC
--   quantity       négative pour les remboursements et avoirs
--   amount         unit_price × quantity, au centime (négatif pour les remboursements)
--   vat_rate       son taux de TVA (pour cent)
--   payment_method, status   tels que TiBillet les donne
--   reason         'aucun évènement ce jour-là' (aucun évènement son jour de soirée, et pour un
--                  billet, ni réservation ni nom de produit qui le relie à un)
select
    sales.sale_line_id,
    sales.product_id,
    sales.product_name,
    sales.product_category,
    sales.sold_at,
    sales.soiree_day                                as line_day,
    sales.unit_price,
    sales.quantity,
    sales.amount,
    sales.vat_rate,
    sales.payment_method,
    sales.status,
    'aucun évènement ce jour-là'                    as reason
from staging.stg_tibillet__sales as sales
where sales.status in ('V', 'P', 'F', 'R', 'N')
  and sales.sale_line_id not in (select sale_line_id from marts.soiree_sale_lines)
order by sales.sold_at, sales.sale_line_id
