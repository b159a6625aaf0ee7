"""Organigramme des rôles: the tree groupe → pôle → projet, the roles each unit needs, who holds
them since when, the vacant ones in red; a form to assign a role and one to end it; the history.

Every figure comes from `sql/queries/organigramme/*.sql` over marts.role_chart and
marts.role_history; this module chooses the unit and writes French. Assigning and ending go
through `models.RoleAssignment` (rules, rights — an administrator or the garant·e du cadre of the
unit or of a unit above it —, audit); after a save the marts are rebuilt, so a vacancy clears.
"""

from __future__ import annotations

import html

import pandas as pd
import panel as pn
import param

from alambic import formatting
from alambic.i18n import N_, _
from dashboards.components import (  # noqa: I001
    SHRINK,
    Column,
    Filters,
    PlainAlert,
    card_grid,
    csv_download,
    figure_card,
    french_table,
    level_label,
    marts_ready,
)
from dashboards.forms import RecordForm, rebuild_after_save, saved_by
from dashboards.on_demand import OnDemand
from dashboards.queries import run_query
from dashboards.session import current_user
from models import RoleAssignment, assignable_units
from models.errors import Conflict, Forbidden, Invalid, NotFound
from warehouse.connection import WarehouseBusy

HISTORY_STATUS = {"en_cours": N_("Current"), "terminee": N_("Ended"), "a_venir": N_("Upcoming")}

CHART_CSS = """
.org-chart { font-family: inherit; }
.org-unit { background: #fff; border: 1px solid #d9dee3; border-left: 5px solid #2f6f5e; border-radius: 6px;
            padding: 8px 14px; margin: 6px 0; }
.org-unit.has-vacancy { border-left-color: #b3261e; }
.org-unit.no-roles { background: #f6f8f9; }
.org-unit h4 { margin: 0 0 4px 0; font-size: 1.02em; }
.org-unit .org-level { color: #6b7680; font-weight: normal; font-size: 0.85em; }
.org-unit .org-note { color: #6b7680; font-size: 0.85em; }
.org-roles { border-collapse: collapse; width: 100%; margin-top: 4px; }
.org-roles td { padding: 3px 8px 3px 0; border-top: 1px solid #eef1f3; vertical-align: top; }
.org-roles td.org-role { width: 32%; color: #1d2b36; }
.org-roles tr.vacant td.org-role { color: #9b1c14; font-weight: 600; }
.org-since { color: #4a5560; font-size: 0.9em; white-space: nowrap; }
.badge-vacant { background: #b3261e; color: #fff; border-radius: 10px; padding: 1px 9px; font-size: 0.85em;
                white-space: nowrap; }
.badge-count { background: #fdecea; color: #9b1c14; border-radius: 10px; padding: 1px 9px; font-size: 0.8em;
               margin-left: 6px; white-space: nowrap; }
@media (max-width: 760px) {  /* a phone: long names and e-mails wrap rather than widen the page */
  .org-roles td { overflow-wrap: anywhere; }
  .org-since { white-space: normal; }
}
"""


def status_label(status) -> str:
    if formatting.is_missing(status):
        return ""
    return _(HISTORY_STATUS[status]) if status in HISTORY_STATUS else str(status)


def person_label(name, email) -> str:
    """« Alice Payet (alice@exemple.re) », or the e-mail alone when the name is unknown."""
    if formatting.is_missing(email):
        return ""
    return f"{name} ({email})" if not formatting.is_missing(name) else str(email)


def count_card(key: str, title: str, value: int, note: str = "", alert: bool = False) -> pn.pane.HTML:
    return figure_card(key, title, formatting.number(value), note, alert)


def chart_columns() -> list[Column]:
    return [
        Column("unit_name", _("Unit")),
        Column("level_label", _("Level")),
        Column("role_label", _("Role")),
        Column("person_name", _("Holder")),
        Column("person_email", _("E-mail")),
        Column("since", _("Since"), "date"),
        Column("until", _("Until"), "date"),
        Column("vacant", _("Vacant"), "flag", flag_text=_("vacant")),
        Column("next_person_email", _("Next holder")),
        Column("next_started_on", _("From"), "date"),
    ]


def history_columns() -> list[Column]:
    return [
        Column("unit_name", _("Unit")),
        Column("role_label", _("Role")),
        Column("person_name", _("Holder")),
        Column("person_email", _("E-mail")),
        Column("started_on", _("Since"), "date"),
        Column("ended_on", _("Until"), "date"),
        Column("status_label", _("Status")),
        Column("updated_by", _("Last edited by")),
    ]


def unit_html(unit, roles: pd.DataFrame, base_depth: int) -> str:
    """One unit's card: its name and level, then each role it needs with its holder(s) or « vacant »."""
    indent = max(int(unit.depth) - base_depth, 0) * 28
    vacant = int(unit.vacant_roles)
    classes = ["org-unit"] + (["has-vacancy"] if vacant else []) + ([] if int(unit.roles_needed) else ["no-roles"])
    vacant_text = html.escape(_("{count} vacant role(s)", count=vacant))  # outside f-strings: Babel skips them
    badge = f'<span class="badge-count">{vacant_text}</span>' if vacant else ""
    head = (f'<h4>{html.escape(str(unit.name))} <span class="org-level">· {html.escape(level_label(unit.level))}'
            f' · {html.escape(str(unit.unit_code))}</span>{badge}</h4>')
    if roles.empty:
        note = html.escape(_("No role is expected at this level."))
        body = f'<div class="org-note">{note}</div>'
    else:
        rows = []
        for role_code, group in roles.groupby("role_code", sort=False):
            first = group.iloc[0]
            is_vacant = bool(first["vacant"])
            if is_vacant:
                vacant_badge = html.escape(_("vacant"))
                holder = f'<span class="badge-vacant">{vacant_badge}</span>'
                if not formatting.is_missing(first["next_person_email"]):
                    holder += (' <span class="org-since">' + html.escape(_(
                        "{person} from {day}", person=str(first["next_person_email"]),
                        day=formatting.date(first["next_started_on"]))) + "</span>")
            else:
                holders = []
                for row in group.itertuples():
                    since = _("since {day}", day=formatting.date(row.since))
                    if not formatting.is_missing(row.until):
                        since += " " + _("until {day}", day=formatting.date(row.until))
                    holders.append(f'<span class="org-holder">{html.escape(person_label(row.person_name, row.person_email))}'
                                   f'</span> <span class="org-since">{html.escape(since)}</span>')
                holder = "<br>".join(holders)
            rows.append(f'<tr class="{"vacant" if is_vacant else "held"}" data-unit="{html.escape(str(unit.unit_code))}" '
                        f'data-role="{html.escape(str(role_code))}" data-vacant="{"true" if is_vacant else "false"}">'
                        f'<td class="org-role">{html.escape(str(first["role_label"]))}</td><td>{holder}</td></tr>')
        body = '<table class="org-roles">' + "".join(rows) + "</table>"
    return (f'<div class="{" ".join(classes)}" data-unit="{html.escape(str(unit.unit_code))}" '
            f'style="margin-left:{indent}px">{head}{body}</div>')


class Organigramme(pn.viewable.Viewer):
    """The page. The unit filter (shared with the other pages) chooses the part of the tree shown."""

    context = param.Parameter(doc="AppContext: warehouse, configuration.")
    filters = param.ClassSelector(class_=Filters)
    version = param.Integer(default=0, doc="Incremented after each save: the views read the marts again.")
    history_unit = param.Selector(default=None, objects=[None], check_on_set=False)

    def __init__(self, **params):
        super().__init__(**params)
        if self.filters is None:
            self.filters = self.context.filters or Filters.from_warehouse(self.context.warehouse)
        self.ready = marts_ready(self.warehouse, "role_chart", "role_history")
        if not self.ready:
            return
        self.allowed = assignable_units(self.warehouse, current_user())  # None: every unit
        self._unit_select = pn.widgets.Select.from_param(self.filters.param.unit, label=_("Unit"), sizing_mode="stretch_width", max_width=320)
        self._history_select = pn.widgets.Select(label=_("History of"), sizing_mode="stretch_width", max_width=320)
        self._history_select.param.watch(lambda event: setattr(self, "history_unit", event.new), "value")
        self._follow_unit()
        self.filters.param.watch(self._follow_unit, "unit")
        self._build_forms()

    @property
    def warehouse(self):
        return self.context.warehouse

    @property
    def root(self) -> str:
        """The organisation (the first unit of the filter): the forms offer every unit they may."""
        return next(iter(self.filters.unit_labels()), self.filters.unit)

    # -- data (each from one SQL file) -----------------------------------------------------------

    def units_data(self, unit: str | None = None) -> pd.DataFrame:
        return run_query(self.warehouse, "organigramme/unites", unit=unit or self.filters.unit)

    def chart_data(self, unit: str | None = None) -> pd.DataFrame:
        frame = run_query(self.warehouse, "organigramme/graphe", unit=unit or self.filters.unit).copy()
        frame["level_label"] = frame["level"].map(level_label)
        return frame

    def history_data(self, unit: str | None = None) -> pd.DataFrame:
        frame = run_query(self.warehouse, "organigramme/historique",
                          unit=unit or self.history_unit or self.filters.unit).copy()
        frame["status_label"] = frame["status"].map(status_label)
        return frame

    def kpi_data(self) -> pd.Series:
        return run_query(self.warehouse, "organigramme/indicateurs", unit=self.filters.unit).iloc[0]

    def _follow_unit(self, event=None) -> None:
        units = self.units_data()
        options = {("\u00a0\u00a0" * max(int(u.depth) - int(units["depth"].min()), 0)) + str(u.name): u.unit_code
                   for u in units.itertuples()}
        self._history_select.options = options
        self._history_select.value = self.filters.unit if self.filters.unit in options.values() else None
        self.history_unit = self._history_select.value

    # -- forms -----------------------------------------------------------------------------------

    def _build_forms(self) -> None:
        every = self.units_data(self.root)
        chart = self.chart_data(self.root)
        self._roles_of = {
            unit: {row.role_label: row.role_code for row in group.drop_duplicates("role_code").itertuples()}
            for unit, group in chart.groupby("unit_code", sort=False)
        }
        units = {f"{u.name} ({level_label(u.level).lower()})": u.unit_code for u in every.itertuples()
                 if int(u.roles_needed) and (self.allowed is None or u.unit_code in self.allowed)}
        people = run_query(self.warehouse, "organigramme/personnes")
        person_choices = {person_label(p.person_name, p.person_email): p.person_email for p in people.itertuples()}
        self.assign_form = RecordForm(
            RoleAssignment, self.warehouse, title=_("Assign a role"),
            choices={"unit_code": units, "role_code": {label: code for roles in self._roles_of.values()
                                                       for label, code in roles.items()},
                     "person_email": person_choices},
        )
        self.assign_form.widgets["unit_code"].param.watch(self._roles_for_unit, "value")
        self.assign_form.param.watch(self._assigned, "saved")

        self.tools: OnDemand | None = None
        self.end_choice = pn.widgets.Select(label=_("Assignment to end"), sizing_mode="stretch_width", max_width=520)
        self.end_date = pn.widgets.TextInput(label=_("Last day held"), placeholder="jj/mm/aaaa", width=200, stylesheets=SHRINK)
        self.end_error = pn.pane.HTML("", margin=(0, 10))
        self.end_button = pn.widgets.Button(label=_("End the role"), color="primary", width=180)
        self.end_message = PlainAlert("", alert_type="info", visible=False)
        self.end_button.on_click(lambda _event: self.end_role())
        self._refresh_end_choices()

    def _roles_for_unit(self, event) -> None:
        roles = self._roles_of.get(event.new, {}) if event.new else {
            label: code for roles in self._roles_of.values() for label, code in roles.items()}
        widget = self.assign_form.widgets["role_code"]
        keep = widget.value if widget.value in roles.values() else None
        widget.options = {"—": None, **roles}
        widget.value = keep

    def _refresh_end_choices(self) -> None:
        rows = run_query(self.warehouse, "organigramme/affectations_ouvertes", unit=self.root)
        self.end_choice.options = {"—": None, **{
            f"{r.unit_name} · {r.role_label} · {person_label(r.person_name, r.person_email)} · "
            + _("since {day}", day=formatting.date(r.started_on)): int(r.assignment_id)
            for r in rows.itertuples() if self.allowed is None or r.unit_code in self.allowed}}

    def _say(self, text: str, kind: str) -> None:
        self.end_message.object, self.end_message.alert_type, self.end_message.visible = text, kind, bool(text)

    def end_role(self) -> bool:
        """Set the chosen assignment's end date (the model checks it and the rights); history kept."""
        self.end_error.object = ""
        if self.end_choice.value is None:
            self._say(_("Choose the assignment to end."), "danger")
            return False
        if not (self.end_date.value or "").strip():
            self.end_error.object = ('<span style="color:#b42318">'
                                     + html.escape(_("Last day held: required field")) + "</span>")
            self._say(_("Nothing was saved: correct the fields in red."), "danger")
            return False
        try:
            record = RoleAssignment.load(self.warehouse, int(self.end_choice.value))
            record.ended_on = self.end_date.value
            record.save(self.warehouse, current_user())
        except Invalid as exc:
            self.end_error.object = ('<span style="color:#b42318">'
                                     + html.escape(" ; ".join(exc.errors.values())) + "</span>")
            self._say(_("Nothing was saved: correct the fields in red."), "danger")
            return False
        except (Forbidden, Conflict, NotFound, WarehouseBusy) as exc:
            self._say(str(exc), "danger")
            return False
        self.end_date.value = ""
        self._rebuild(say=self._say, done=(_("Saved."), "success"), changed={"app.role_assignments"})
        return True

    def _assigned(self, event=None) -> None:
        """A role was assigned: recompute, then an empty form, so that the next entry is a new
        assignment and not an edit of the one just saved (the success message stays)."""
        self._rebuild(event)
        message, kind = self.assign_form.message, self.assign_form.message_kind
        self.assign_form.start_new()
        self.assign_form.message_kind, self.assign_form.message = kind, message

    def _rebuild(self, event=None, **messages) -> None:
        """Recompute the marts and redraw: the vacancy clears, or appears
        (dashboards.forms.rebuild_after_save, off the event loop)."""
        def redraw() -> None:
            self._refresh_end_choices()
            self._follow_unit()
            self.version += 1

        rebuild_after_save(self.warehouse, getattr(self.context, "config", None), redraw,
                           **(messages or saved_by(event)))

    # -- views -----------------------------------------------------------------------------------

    @param.depends("filters.unit", "version")
    def kpis(self):
        k = self.kpi_data()
        vacant = int(k["roles_vacant"])
        return pn.Column(
            card_grid(
                count_card("roles_needed", _("Roles to hold"), int(k["roles_needed"])),
                count_card("roles_held", _("Roles held"), int(k["roles_held"]),
                           _("by {count} people", count=int(k["people"]))),
                count_card("roles_vacant", _("Vacant roles"), vacant,
                           _("in {count} unit(s)", count=int(k["units_with_vacancy"])) if vacant else _("None vacant"),
                           alert=vacant > 0),
                sizing_mode="stretch_width",
            ),
            pn.pane.Markdown(_("Roles held on {day}.", day=formatting.date(k["as_of"])), css_classes=["hint"]),
            sizing_mode="stretch_width",
        )

    @param.depends("filters.unit", "version")
    def tree(self):
        units = self.units_data()
        chart = self.chart_data()
        if units.empty:
            return pn.pane.Markdown(_("No unit to show."))
        base = int(units["depth"].min())
        by_unit = {code: group for code, group in chart.groupby("unit_code", sort=False)}
        cards = "".join(unit_html(u, by_unit.get(u.unit_code, chart.iloc[0:0]), base) for u in units.itertuples())
        return pn.Column(
            pn.pane.HTML(f'<div class="org-chart">{cards}</div>', stylesheets=[CHART_CSS],
                         sizing_mode="stretch_width", css_classes=["org-chart-pane"]),
            csv_download(_("Download the roles chart (CSV)"), f"organigramme_{self.filters.unit}.csv",
                         self.chart_data, chart_columns()),
            sizing_mode="stretch_width",
        )

    @param.depends("history_unit", "version")
    def history(self):
        data = self.history_data()
        if data.empty:
            body = pn.pane.Markdown(_("No role was ever assigned here."))
        else:
            body = french_table(data, history_columns(), pagination="local", page_size=15,
                                css_classes=["role-history"])
        return pn.Column(
            body,
            csv_download(_("Download the history (CSV)"), f"organigramme_historique_{self.history_unit}.csv",
                         self.history_data, history_columns()),
            sizing_mode="stretch_width",
        )

    def forms(self):
        if self.allowed is not None and not self.allowed:
            return PlainAlert(_("Only the garant·e du cadre of a unit (or of a unit above it) and the "
                                   "administrators can assign or end roles."), alert_type="info")
        config_note = [] if getattr(self.context, "config", None) is not None else [
            PlainAlert(_("Without the configuration file the chart is recomputed at the next « alambic build »."),
                          alert_type="warning")]
        if self.tools is None:  # built in the browser when opened: most visits only read the chart
            self.tools = OnDemand([
                (_("Assign a role"), lambda: self.assign_form),
                (_("End a role"), lambda: pn.Column(
                    pn.pane.Markdown(_("The assignment stays in the history, with its last day."),
                                     css_classes=["hint"]),
                    pn.FlexBox(self.end_choice, pn.Column(self.end_date, self.end_error, margin=0)),
                    self.end_button,
                    self.end_message,
                    sizing_mode="stretch_width")),
            ], css_classes=["role-tools"])
        return pn.Column(*config_note, self.tools, sizing_mode="stretch_width")

    def __panel__(self):
        if not self.ready:
            return PlainAlert(_("The roles chart has not been computed yet: run « alambic build »."),
                                 alert_type="warning")
        return pn.Column(
            self._unit_select,
            self.kpis,
            pn.pane.Markdown("### " + _("Groups, poles and projects")),
            pn.pane.Markdown(_("Each unit with the roles it needs: who holds them, since when; in red, the roles "
                               "nobody holds today."), css_classes=["hint"]),
            self.tree,
            pn.pane.Markdown("## " + _("Assign or end a role")),
            self.forms(),
            pn.pane.Markdown("## " + _("History")),
            self._history_select,
            self.history,
            sizing_mode="stretch_width",
        )
