-- treasury_flows — les lignes du plan de trésorerie : encaissements et décaissements par mois, par
-- catégorie et selon l'origine du chiffre.
--
-- Grain: une ligne par mois × sens × catégorie × origine ayant un montant non nul
-- (la somme de marts.treasury_lines ; voir là comment chaque mouvement est trouvé et daté).
-- Columns:
--   month          premier jour du mois
--   kind           'reel' (mois avant celui d'as_of : mouvements bancaires seulement) |
--                  'previsionnel' (le mois d'as_of et après)
--   direction      'encaissement' (entrée d'argent) | 'decaissement' (sortie d'argent)
--   category_code  une catégorie budgétaire de ref.categories, ou 'autres' (mouvements bancaires
--                  dont la catégorie est inconnue)
--   category_label son libellé ('Autres mouvements' pour 'autres')
--   source         'banque' | 'facture_ouverte' | 'brouillon' | 'prevision' | 'echeance_subvention'
--   amount         DECIMAL(14,2), positif : le total des lignes
--   line_count     combien de treasury_lines le composent
select
    lines.month,
    lines.kind,
    lines.direction,
    lines.category_code,
    coalesce(categories.label, 'Autres mouvements')   as category_label,
    lines.source,
    sum(lines.amount)::decimal(14, 2)                 as amount,
    count(*)                                          as line_count
from marts.treasury_lines as lines
left join ref.categories as categories using (category_code)
group by all
order by lines.month, lines.direction desc, lines.category_code, lines.source
