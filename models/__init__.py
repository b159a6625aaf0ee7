"""Domain objects for what users enter (docs/architecture.md §3: `models/`): param-based forms that validate
with French messages, keep the input on error, check rights on the server, refuse lost updates
and write to app.* in one audited transaction. Pages call these; they never write SQL themselves.
"""

from models.base import Record, Saved
from models.dispatch import Dispatch, DispatchLine
from models.errors import Conflict, Forbidden, Invalid, NotFound
from models.event_referent import EventReferent
from models.forecast import CopyPlan, CopyResult, Forecast, copy_year, forecast_years, preview_copy
from models.forecast_import import ImportLine, ImportPreview, import_forecasts
from models.permissions import Actor, can_edit, editable_units
from models.person_link import PersonLink
from models.remuneration import RemunerationProposal
from models.role_assignment import RoleAssignment, assignable_units, can_assign
from models.subsidy import Instalment, Subsidy
from models.transfer import InternalTransfer

__all__ = [
    "Actor", "Conflict", "CopyPlan", "CopyResult", "Dispatch", "DispatchLine", "EventReferent", "Forbidden",
    "Forecast", "ImportLine", "ImportPreview", "Instalment", "InternalTransfer", "Invalid",
    "NotFound", "PersonLink", "Record", "RemunerationProposal", "RoleAssignment", "Saved",
    "Subsidy", "assignable_units", "can_assign", "can_edit", "copy_year", "editable_units",
    "forecast_years", "import_forecasts", "preview_copy",
]
