-- Every forecast is for a unit of the tree and a category of the configuration.
select forecasts.forecast_id, forecasts.unit_code, forecasts.category_code
from app.forecasts as forecasts
left join ref.units as units using (unit_code)
left join ref.categories as categories using (category_code)
where units.unit_code is null or categories.category_code is null
