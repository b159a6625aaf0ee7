"""Mon tableau de bord: what concerns the member using the app, and nobody else.

My roles, the proposals I must decide on, what I must invoice, what I wait to be paid, what I may
earn, my volunteering, my Oceco tasks and my next soirées as référent·e. Every query is filtered
on the signed-in person's e-mail (`current_user().email`), never on a value the browser sends:
nobody can read another member's figures by changing the address. The figures come from
`sql/queries/mon_tableau_de_bord/*.sql` and from Co-rémunération's own queries.
"""

from __future__ import annotations

import html

import pandas as pd
import panel as pn
import param

from alambic import formatting
from alambic.i18n import N_, _
from dashboards.components import (
    KPI_CSS,
    Column,
    PlainAlert,
    awaiting_decision,
    figure_card,
    french_table,
    kpi_card,
    labelled,
    pending_columns,
    proposal_columns,
    proposals_ready,
)
from dashboards.queries import run_query
from dashboards.session import current_user

ROLE_STATUS = {"en_cours": N_("Held"), "a_venir": N_("Upcoming")}
TASK_STATE = {"en_cours": N_("In progress"), "a_valider": N_("Waiting for validation")}


class MonTableauDeBord(pn.viewable.Viewer):
    """The page. It takes no unit or period filter: it is about one person, over the exercice."""

    context = param.Parameter(doc="AppContext: warehouse, configuration.")

    def __init__(self, who=current_user, **params):
        super().__init__(**params)
        self.user = who()

    @property
    def warehouse(self):
        return self.context.warehouse

    def mine(self, name: str) -> pd.DataFrame:
        """One of this page's queries, for the signed-in person only."""
        return run_query(self.warehouse, f"mon_tableau_de_bord/{name}", email=self.user.email)

    # -- sections ------------------------------------------------------------------------------

    def summary(self) -> pn.FlexBox:
        row = self.mine("resume").iloc[0]
        return pn.FlexBox(
            kpi_card("potential", _("What I may earn"), row.potential,
                     _("{n} proposals under way", n=int(row.proposals_open))),
            kpi_card("to_invoice", _("To invoice"), row.to_invoice, _("validated, no bill in Odoo yet")),
            kpi_card("awaiting_payment", _("Waiting for payment"), row.awaiting_payment,
                     _("invoiced, not paid yet")),
            kpi_card("paid", _("Paid this fiscal year"), row.paid_exercice,
                     _("Fiscal year {year}", year=int(row.exercice))),
            figure_card("hours", _("My volunteer hours"), formatting.hours(row.hours_validated),
                        _("{hours} waiting for validation", hours=formatting.hours(row.hours_pending))),
            kpi_card("valuation", _("Value of my volunteering"), row.valuation,
                     _("Fiscal year {year}", year=int(row.exercice))),
            stylesheets=[KPI_CSS],
        )

    def roles(self) -> pn.viewable.Viewable:
        data = self.mine("roles").copy()
        data["status_label"] = data["status"].map(lambda s: _(ROLE_STATUS.get(s, s)))
        return self._section(_("My roles"), data, [
            Column("unit_name", _("Unit")),
            Column("role_label", _("Role")),
            Column("started_on", _("Since"), "date"),
            Column("ended_on", _("Until"), "date"),
            Column("status_label", _("Status")),
        ], _("You hold no role at the moment."))

    def to_decide(self) -> pn.viewable.Viewable:
        data = labelled(awaiting_decision(self.warehouse, self.user))
        section = self._section(_("Proposals I must validate"), data, pending_columns(),
                                _("No proposal waits for your decision."))
        if not data.empty:
            link = html.escape(self.context.page_url("co-remuneration"))
            text = html.escape(_("Validate or refuse them on the Co-remuneration page."))
            section.append(pn.pane.HTML(f'<p class="hint"><a href="{link}">{text}</a></p>'))
        return section

    def my_proposals(self, status: str, title: str, empty: str) -> pn.viewable.Viewable:
        data = run_query(self.warehouse, "co_remuneration/mes_propositions", email=self.user.email)
        return self._section(title, labelled(data[data["status"] == status].copy()),
                             proposal_columns(with_person=False), empty)

    def volunteering(self) -> pn.viewable.Viewable:
        return self._section(_("My volunteering this fiscal year"), self.mine("volontariat"), [
            Column("month", _("Month"), "month"),
            Column("hours_validated", _("Validated hours"), "hours"),
            Column("hours_pending", _("Hours waiting for validation"), "hours"),
            Column("credits", _("Time credits"), "number"),
            Column("valuation", _("Valuation"), "money"),
        ], _("No volunteering recorded for you this fiscal year."))

    def tasks(self) -> pn.viewable.Viewable:
        data = self.mine("taches").copy()
        data["state_label"] = data["state"].map(lambda s: _(TASK_STATE.get(s, s)))
        return self._section(_("My tasks in Oceco"), data, [
            Column("action_name", _("Action")),
            Column("start_at", _("Start"), "date"),
            Column("end_at", _("End"), "date"),
            Column("credits", _("Time credits"), "number"),
            Column("state_label", _("Status")),
        ], _("No Oceco action in progress for you."))

    def soirees(self) -> pn.viewable.Viewable:
        return self._section(_("My next soirées as referent"), self.mine("soirees"), [
            Column("soiree_day", _("Date"), "date"),
            Column("event_name", _("Soirée")),
            Column("unit_name", _("Unit")),
            Column("capacity", _("Capacity"), "number"),
        ], _("You are referent of no soirée to come."))

    @staticmethod
    def _section(title: str, data: pd.DataFrame, columns: list[Column], empty: str) -> pn.Column:
        body = (PlainAlert(empty, alert_type="light") if data.empty
                else french_table(data, columns, pagination="local", page_size=10))
        return pn.Column(pn.pane.Markdown("## " + title), body, sizing_mode="stretch_width")

    def __panel__(self):
        if self.user.is_demo or not self.user.email:
            return PlainAlert(_("Log in with your own account to see your dashboard: it shows only "
                                   "your roles, proposals, volunteering and tasks."), alert_type="info")
        if not proposals_ready(self.warehouse):  # a fresh warehouse, before its first build
            return PlainAlert(_("The proposals are not computed yet: run « alambic build »."),
                                 alert_type="warning")
        who = _("The dashboard of {name}: only your own figures are shown here.", name=self.user.name)
        return pn.Column(
            pn.pane.HTML(f"<p>{html.escape(who)}</p>"),
            self.summary(),
            self.roles(),
            self.to_decide(),
            self.my_proposals("validee", _("To invoice"),
                              _("Nothing to invoice: no validated proposal waits for your bill.")),
            self.my_proposals("facturee", _("Waiting for payment"), _("No bill of yours waits for payment.")),
            self.my_proposals("proposee", _("My proposals waiting for a decision"),
                              _("No proposal of yours waits for a decision.")),
            self.volunteering(),
            self.tasks(),
            self.soirees(),
            sizing_mode="stretch_width",
        )
