-- Every alert has a unique key, a known code and severity, a unit of the tree, a label and a link.
select alert_key, alert_code, severity, unit_code, 'invalide' as problem
from marts.unit_alerts
where alert_code not in ('depassement', 'ecart_previsionnel', 'echeance_en_retard',
                         'compte_rendu_proche', 'tresorerie_basse')
   or severity not in ('haute', 'moyenne', 'info')
   or unit_code not in (select unit_code from ref.units)
   or label is null or link is null

union all

select alert_key, any_value(alert_code), any_value(severity), any_value(unit_code), 'en double'
from marts.unit_alerts
group by alert_key
having count(*) > 1
