"""Co-rémunération: propose a remuneration for a mission, decide on the proposals of one's units,
follow each proposal until Odoo pays its bill.

Every figure comes from `sql/queries/co_remuneration/*.sql` over marts.remuneration_proposals
(whose header gives the matching rule that makes a proposal « facturée » then « payée »). Writes
go through `models.RemunerationProposal` (rights, versions, audit); after each one the marts are
rebuilt, so that the page, Suivi budgétaire and the dashboard show it.
"""

from __future__ import annotations

import html

import pandas as pd
import panel as pn
import param

from alambic import formatting
from alambic.i18n import _
from dashboards.components import (
    Column,
    FilterBar,
    Filters,
    PlainAlert,
    awaiting_decision,
    csv_download,
    french_table,
    kpi_card,
    labelled,
    pending_columns,
    proposal_columns,
    proposals_by_state,
    proposals_ready,
    state_columns,
)
from dashboards.forms import RecordForm, rebuild_after_save, saved_by
from dashboards.queries import run_query
from dashboards.session import current_user
from models import Conflict, Forbidden, Invalid, NotFound, RemunerationProposal, editable_units
from models.permissions import EDIT_EVERY_UNIT
from warehouse.connection import WarehouseBusy


class CoRemuneration(pn.viewable.Viewer):
    """The page. `filters` (unit, period) choose the unit's proposals; « mine » and « to decide »
    follow the signed-in person."""

    context = param.Parameter(doc="AppContext: warehouse, configuration.")
    filters = param.ClassSelector(class_=Filters)
    changed = param.Integer(default=0, doc="Incremented after each write: the lists depend on it.")
    decision_message = param.String(default="")
    decision_kind = param.Selector(default="info", objects=["info", "success", "danger", "warning"])

    def __init__(self, who=current_user, **params):
        super().__init__(**params)
        if self.filters is None:
            self.filters = self.context.filters or Filters.from_warehouse(self.context.warehouse)
        self.who = who
        user = who()
        self.user_email = (getattr(user, "email", "") or "").strip().lower()
        self.may_propose_for_others = getattr(user, "role", None) in EDIT_EVERY_UNIT
        self.decidable = editable_units(self.warehouse, user)  # None: every unit
        units = {label.strip(): code for code, label in self.filters.unit_labels().items() if code != "R"}
        self.form = RecordForm(RemunerationProposal, self.warehouse, title=_("Propose a remuneration"),
                               choices={"unit_code": units}, who=who)
        self._prefill_person()
        self.form.new_button.on_click(lambda _event: self._prefill_person())
        self.form.param.watch(self._rebuild, "saved")

        self.pending_choice = pn.widgets.Select(label=_("Proposal to decide on"), options={}, sizing_mode="stretch_width", max_width=520)
        self.comment = pn.widgets.TextAreaInput(label=_("Comment (required to refuse)"), height=80, sizing_mode="stretch_width", max_width=520)
        self.validate_button = pn.widgets.Button(label=_("Validate"), color="success", width=160)
        self.refuse_button = pn.widgets.Button(label=_("Refuse"), color="danger", width=160)
        self.validate_button.on_click(lambda _event: self.decide("validee"))
        self.refuse_button.on_click(lambda _event: self.decide("refusee"))
        self._versions: dict[int, int] = {}

    @property
    def warehouse(self):
        return self.context.warehouse

    def _prefill_person(self) -> None:
        """A new proposal: for oneself (a member cannot change it), of the most common type."""
        self.form.widgets["kind"].value = RemunerationProposal.param.kind.default
        widget = self.form.widgets["person_email"]
        if not self.may_propose_for_others:
            widget.value = self.user_email
            widget.disabled = True

    def _rebuild(self, event=None, **messages) -> None:
        """Recompute the marts and redraw the lists: every figure shows the write
        (dashboards.forms.rebuild_after_save, off the event loop)."""
        def redraw() -> None:
            self.changed += 1

        rebuild_after_save(self.warehouse, self.context.config, redraw, **(messages or saved_by(event)))

    # -- data (each from one SQL file) ---------------------------------------------------------

    def unit_data(self) -> pd.DataFrame:
        return labelled(run_query(self.warehouse, "co_remuneration/propositions", **self.filters.params()))

    def state_data(self) -> pd.DataFrame:
        return proposals_by_state(self.warehouse, self.filters)

    def mine_data(self) -> pd.DataFrame:
        return labelled(run_query(self.warehouse, "co_remuneration/mes_propositions", email=self.user_email or "—"))

    def pending_data(self) -> pd.DataFrame:
        """Proposals waiting for a decision that this person may take (not their own)."""
        return awaiting_decision(self.warehouse, self.who(), self.decidable)

    def _filename(self) -> str:
        period = self.filters.current.text.replace("..", "_")
        return f"co-remuneration_{self.filters.unit}_{period}.csv"

    # -- deciding ------------------------------------------------------------------------------

    def decide(self, to: str) -> bool:
        """Validate or refuse the chosen proposal, as it was when the list was shown."""
        proposal_id = self.pending_choice.value
        if proposal_id is None:
            self._say(_("Choose a proposal first."), "warning")
            return False
        try:
            record = RemunerationProposal.load(self.warehouse, int(proposal_id))
            record.row_version = self._versions.get(int(proposal_id), record.row_version)
            if to == "validee":
                record.validate_by(self.warehouse, self.who(), self.comment.value or "")
            else:
                record.refuse(self.warehouse, self.who(), self.comment.value or "")
        except Invalid as exc:
            self._say(" ".join(exc.errors.values()), "danger")  # the comment stays as typed
            return False
        except (Forbidden, NotFound) as exc:
            self._say(str(exc), "danger")
            return False
        except Conflict as exc:
            self._say(str(exc), "warning")
            self.changed += 1  # show the proposal as it is now
            return False
        except WarehouseBusy as exc:
            self._say(str(exc), "warning")
            return False
        done = _("Proposal no. {id} validated.", id=proposal_id) if to == "validee" else \
            _("Proposal no. {id} refused; the comment is kept.", id=proposal_id)
        self.comment.value = ""
        self._rebuild(say=self._say, done=(done, "success"), changed={"app.remuneration_proposals"})
        return True

    def _say(self, text: str, kind: str) -> None:
        self.decision_kind = kind
        self.decision_message = text

    # -- views ---------------------------------------------------------------------------------

    @param.depends("decision_message", "decision_kind")
    def _decision_alert(self):
        if not self.decision_message:
            return pn.Spacer(height=0)
        return PlainAlert(self.decision_message, alert_type=self.decision_kind, css_classes=["decision-message"])

    @param.depends("changed")
    def mine(self):
        if not self.user_email:
            return pn.pane.Markdown(_("Sign in to see your proposals."))
        data = self.mine_data()
        if data.empty:
            return pn.pane.Markdown(_("You have no proposal yet."), css_classes=["mine-empty"])
        return french_table(data, proposal_columns(with_person=False), pagination="local", page_size=10,
                            css_classes=["mine"], layout="fit_data_stretch")

    @param.depends("changed")
    def pending(self):
        data = self.pending_data()
        self._versions = {int(r.proposal_id): int(r.row_version) for r in data.itertuples()}
        self.pending_choice.options = {"—": None, **{
            f"n° {r.proposal_id} · {r.person_name} · {r.unit_name} · {formatting.money(r.amount)} · {r.mission}":
                int(r.proposal_id) for r in data.itertuples()}}
        if data.empty:
            return pn.pane.Markdown(_("No proposal is waiting for your decision."), css_classes=["pending-empty"])
        table = french_table(labelled(data), pending_columns(), css_classes=["pending"], layout="fit_data_stretch")
        return pn.Column(table, self.pending_choice, self.comment,
                         pn.FlexBox(self.validate_button, self.refuse_button), sizing_mode="stretch_width")

    @param.depends("filters.current", "filters.unit", "changed")
    def by_state(self):
        data = self.state_data()
        cards = [kpi_card(f"etat-{row.status}", row.status_label, row.amount,
                          _("{count} proposal(s)", count=int(row.proposals)))
                 for row in data.itertuples() if not row.is_total]
        table = french_table(data, state_columns(), bold="is_total", css_classes=["by-state"])
        return pn.Column(pn.FlexBox(*cards), table, sizing_mode="stretch_width")

    @param.depends("filters.current", "filters.unit", "changed")
    def unit_proposals(self):
        data = self.unit_data()
        return pn.Column(
            pn.pane.Markdown(_("{count} proposals", count=len(data))),
            french_table(data, proposal_columns(), pagination="local", page_size=20,
                         css_classes=["unit-proposals"], layout="fit_data_stretch"),
            csv_download(_("Download the proposals (CSV)"), self._filename(), self.unit_data,
                         proposal_columns() + [Column("person_email", _("E-mail")),
                                               Column("kind_label", _("Type")),
                                               Column("hours", _("Hours")),
                                               Column("hourly_rate", _("Hourly rate"), "money"),
                                               Column("start_date", _("Start"), "date"),
                                               Column("decided_by", _("Decided by")),
                                               Column("invoice_date", _("Invoice date"), "date")]),
            sizing_mode="stretch_width",
        )

    def __panel__(self):
        if not proposals_ready(self.warehouse):
            return PlainAlert(_("The proposals are not computed yet: run « alambic build »."),
                                 alert_type="warning")
        if self.decidable is not None and not self.decidable:
            deciding = [pn.pane.Markdown(_("Only the budget and subsidy referents of a unit, and the finance "
                                           "group, decide on proposals."), css_classes=["pending-empty"])]
        else:
            deciding = [self.pending, self._decision_alert]
        explain = html.escape(_("A proposal becomes « invoiced » once your bill is in Odoo (account 604, "
                                "the unit's analytic account, the same amount), and « paid » when Odoo has "
                                "paid it: nobody types these two states."))
        return pn.Column(
            FilterBar(filters=self.filters),
            self.form,
            pn.pane.HTML(f"<p class='hint'>{explain}</p>"),
            pn.pane.Markdown("## " + _("My proposals")),
            self.mine,
            pn.pane.Markdown("## " + _("Waiting for my decision")),
            *deciding,
            pn.pane.Markdown("## " + _("Proposals of the unit by status")),
            self.by_state,
            self.unit_proposals,
            sizing_mode="stretch_width",
        )
