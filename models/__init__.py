"""Domain objects for what users enter (DESIGN.md: `models/`): param-based forms that validate
with French messages, keep the input on error, check rights on the server, refuse lost updates
and write to app.* in one audited transaction. Pages call these; they never write SQL themselves.
"""

from models.base import Record, Saved
from models.errors import Conflict, Forbidden, Invalid, NotFound
from models.forecast import CopyResult, Forecast, copy_year
from models.forecast_import import ImportLine, ImportPreview, import_forecasts
from models.permissions import Actor, can_edit, editable_units
from models.subsidy import Instalment, Subsidy
from models.transfer import InternalTransfer

__all__ = [
    "Actor", "Conflict", "CopyResult", "Forbidden", "Forecast", "ImportLine", "ImportPreview", "Instalment",
    "InternalTransfer", "Invalid", "NotFound", "Record", "Saved", "Subsidy", "can_edit", "copy_year",
    "editable_units", "import_forecasts",
]
