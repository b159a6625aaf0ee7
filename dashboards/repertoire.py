"""Répertoire: a card per member — name, pôles, roles held today, badges — with a search box and
pôle / role filters; for admins, « Correspondances à vérifier »: the records the sources cannot
tie to a person safely, each with a form to settle it.

Every figure comes from `sql/queries/repertoire/*.sql` over marts.people and
marts.people_conflicts. A decision goes through `models.PersonLink` (admins only, audited); the
marts are then rebuilt, so the card and the volunteering figures follow at once.

Contact details: no source records which ones a member agreed to show (see marts/people.sql), so
cards show none; the e-mail, the key that ties the sources, is shown to admins only.
"""

from __future__ import annotations

import html

import pandas as pd
import panel as pn
import param

from alambic import formatting
from alambic.i18n import N_, _
from dashboards.components import SHRINK, Column, PlainAlert, french_table, marts_ready
from dashboards.forms import RecordForm, rebuild_after_save
from dashboards.queries import run_query
from dashboards.session import current_user
from models import PersonLink
from models.person_link import DECISIONS, SOURCES

REASONS = {
    "shared_email": N_("Same e-mail as another record of the same source"),
    "name_match": N_("No e-mail; one known person bears this name"),
    "ambiguous_name": N_("No e-mail; several known people bear this name"),
    "no_email": N_("No e-mail, and nobody known by this name"),
}
SOURCE_LABELS = {"oceco": "Oceco", "odoo": "Odoo", "tibillet": "TiBillet"}

CARDS_CSS = """
.people-cards { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 12px; font-family: inherit; }
.person-card { background: #fff; border: 1px solid #d9dee3; border-left: 5px solid #2f6f5e; border-radius: 6px;
               padding: 10px 14px; width: 290px; box-sizing: border-box; }
.person-card h4 { margin: 0 0 6px 0; font-size: 1.05em; color: #1d2b36; }
.person-card .person-line { font-size: 0.88em; color: #4a5560; margin: 3px 0; }
.person-card .person-label { color: #6b7680; }
.person-card .person-badge { display: inline-block; background: #e3f1ec; color: #1f5a4a; border-radius: 10px;
                             padding: 1px 9px; margin: 2px 4px 0 0; font-size: 0.82em; }
.person-card .person-check { color: #9b1c14; font-size: 0.82em; }
.person-card .person-email { font-size: 0.85em; color: #2d4a6b; }
"""


def reason_label(reason) -> str:
    if formatting.is_missing(reason):
        return ""
    return _(REASONS[reason]) if reason in REASONS else str(reason)


def as_list(value) -> list:
    if value is None or (not isinstance(value, (list, tuple)) and formatting.is_missing(value)):
        return []
    return list(value)


def card_html(person, show_email: bool) -> str:
    """One member's card; every text from the sources is escaped."""
    def line(label: str, items: list[str]) -> str:
        text = ", ".join(html.escape(str(i)) for i in items) if items else "—"
        return f'<div class="person-line"><span class="person-label">{html.escape(label)} :</span> {text}</div>'

    badges = "".join(f'<span class="person-badge">{html.escape(str(b))}</span>' for b in as_list(person.badges))
    shown = getattr(person, "shown_name", person.display_name)
    name = _("Name unknown") if formatting.is_missing(shown) or not str(shown).strip() else str(shown)
    homonym = bool(getattr(person, "homonym", False))
    parts = [
        '<div class="person-card">',  # no key in the HTML: for a member, the key is an e-mail
        f"<h4>{html.escape(name)}</h4>",
        line(_("Poles"), as_list(person.unit_names)),
        line(_("Roles"), as_list(person.roles)),
        f'<div class="person-line">{badges}</div>' if badges else "",
    ]
    if homonym:  # two cards with one name: where each comes from tells them apart
        parts.append(line(_("Known to"), as_list(getattr(person, "source_labels", None))))
    if show_email and not formatting.is_missing(person.email):
        label = html.escape(_("E-mail used to match the sources (admins only)"))
        parts.append(f'<div class="person-email" title="{label}">{label} : {html.escape(str(person.email))}</div>')
    if show_email and bool(person.has_conflict):
        check = html.escape(_("Matching to check (below)"))
        parts.append(f'<div class="person-check">{check}</div>')
    parts.append("</div>")
    return "".join(parts)


def conflict_columns() -> list[Column]:
    return [
        Column("source_label", _("Source")),
        Column("record_name", _("Name in the source")),
        Column("record_email", _("E-mail in the source")),
        Column("reason_label", _("Why it is not matched")),
        Column("candidates_text", _("Possible people")),
        Column("others_text", _("Other records")),
        Column("volunteer_hours", _("Validated Oceco hours"), "money"),
    ]


class Repertoire(pn.viewable.Viewer):
    """The page. Members: people known to Oceco, holding (or having held) a role, or with an account."""

    context = param.Parameter(doc="AppContext: warehouse, configuration.")
    search = param.String(default="", doc="Text looked for in names, pôles, roles and badges.")
    pole = param.Selector(default="", objects=[""], check_on_set=False)
    role = param.Selector(default="", objects=[""], check_on_set=False)
    version = param.Integer(default=0, doc="Incremented after a decision: the views read the marts again.")

    def __init__(self, **params):
        super().__init__(**params)
        self.user = current_user()
        self.is_admin = self.user.role == "admin" and not self.user.is_demo
        self.ready = marts_ready(self.warehouse, "people", "people_conflicts")
        if not self.ready:
            return
        choices = run_query(self.warehouse, "repertoire/choix")
        units = choices[choices["kind"] == "unit"]
        roles = choices[choices["kind"] == "role"]
        self.param.pole.objects = {_("All poles"): "", **{f"{r.label} ({r.code})": r.code for r in units.itertuples()}}
        self.param.role.objects = {_("All roles"): "", **{str(r.label): r.code for r in roles.itertuples()}}
        self._search = pn.widgets.TextInput(label=_("Search"), placeholder=_("Name, pole, role, badge…"), width=300, stylesheets=SHRINK)
        self._search.param.watch(lambda event: setattr(self, "search", event.new or ""), "value_input")
        self._pole = pn.widgets.Select.from_param(self.param.pole, name=_("Pole"), width=260)
        self._role = pn.widgets.Select.from_param(self.param.role, name=_("Role"), width=260)
        if self.is_admin:
            self._build_settle_form()

    @property
    def warehouse(self):
        return self.context.warehouse

    # -- data (each from one SQL file) -----------------------------------------------------------

    def people_data(self) -> pd.DataFrame:
        return run_query(self.warehouse, "repertoire/personnes", search=self.search or "", unit=self.pole or "",
                         role=self.role or "")

    def conflicts_data(self) -> pd.DataFrame:
        frame = run_query(self.warehouse, "repertoire/conflits").copy()
        frame["source_label"] = frame["source"].map(lambda s: SOURCE_LABELS.get(s, s))
        frame["reason_label"] = frame["reason"].map(reason_label)
        frame["candidates_text"] = [
            ", ".join(f"{n} <{e}>" if n != e else str(e) for e, n in zip(as_list(emails), as_list(names)))
            for emails, names in zip(frame["candidate_emails"], frame["candidate_names"])
        ]
        frame["others_text"] = frame["others"].map(lambda o: ", ".join(as_list(o)))
        return frame

    # -- settling a conflict (admins) ------------------------------------------------------------

    def _build_settle_form(self) -> None:
        self.conflict_choice = pn.widgets.Select(label=_("Record to settle"), sizing_mode="stretch_width", max_width=640)
        self.conflict_detail = pn.pane.HTML("", css_classes=["conflict-detail"])
        self.settle_form = RecordForm(PersonLink, self.warehouse, title=_("Decision"),
                                      choices={"source": dict(SOURCES), "decision": dict(DECISIONS)})
        self.settle_form.new_button.visible = False  # a decision is about the record chosen above
        self.conflict_choice.param.watch(self._open_conflict, "value")
        self.settle_form.param.watch(self._rebuild, "saved")
        self._refresh_conflicts()

    def _refresh_conflicts(self) -> None:
        data = self.conflicts_data()
        self._conflicts = {row.conflict_key: row for row in data.itertuples()}
        self.conflict_choice.options = {"—": None, **{
            f"{row.source_label} · {row.record_name or '—'} ({row.source_id}) — {row.reason_label}": row.conflict_key
            for row in data.itertuples()}}
        self.conflict_choice.value = None

    def _open_conflict(self, event) -> None:
        form = self.settle_form
        form.start_new()
        row = self._conflicts.get(event.new) if event.new else None
        for name in ("source", "source_id"):
            form.widgets[name].disabled = row is not None
        if row is None:
            self.conflict_detail.object = ""
            return
        form.widgets["source"].value = row.source
        form.widgets["source_id"].value = row.source_id
        form.widgets["decision"].value = "link"
        form.widgets["person_email"].value = "" if formatting.is_missing(row.suggested_email) else row.suggested_email
        possible, others = html.escape(_("Possible people")), html.escape(_("Other records"))
        self.conflict_detail.object = (
            f"<p><b>{html.escape(str(row.record_name or '—'))}</b> · {html.escape(row.source_label)} "
            f"<code>{html.escape(str(row.source_id))}</code><br>{html.escape(row.reason_label)}"
            + (f"<br>{possible} : {html.escape(row.candidates_text)}"
               if row.candidates_text else "")
            + (f"<br>{others} : {html.escape(row.others_text)}" if row.others_text else "")
            + "</p>"
        )

    def _rebuild(self, _event=None) -> None:
        """Recompute the marts: the conflict leaves the list, the card follows
        (dashboards.forms.rebuild_after_save, off the event loop)."""
        def redraw() -> None:
            self._refresh_conflicts()
            self.version += 1

        rebuild_after_save(self.warehouse, getattr(self.context, "config", None), redraw,
                           say=self.settle_form._say,
                           done=(_("Decision saved: the directory and the volunteering figures follow it."),
                                 "success"), changed={f"app.{self.settle_form.record_type.table}"})

    # -- views -----------------------------------------------------------------------------------

    @param.depends("search", "pole", "role", "version")
    def cards(self):
        data = self.people_data()
        count = pn.pane.Markdown(_("{count} member(s)", count=len(data)), css_classes=["people-count"])
        if data.empty:
            return pn.Column(count, pn.pane.Markdown(_("Nobody matches this search.")), sizing_mode="stretch_width")
        body = "".join(card_html(p, self.is_admin) for p in data.itertuples())
        return pn.Column(
            count,
            pn.pane.HTML(f'<div class="people-cards">{body}</div>', stylesheets=[CARDS_CSS],
                         sizing_mode="stretch_width", css_classes=["people"]),
            sizing_mode="stretch_width",
        )

    @param.depends("version")
    def conflicts(self):
        data = self.conflicts_data()
        if data.empty:
            table = pn.pane.Markdown(_("Nothing to check: every record is matched."), css_classes=["no-conflict"])
        else:
            table = french_table(data, conflict_columns(), selectable=False, css_classes=["people-conflicts"],
                                 pagination="local", page_size=10)
            wrapped = [c.title for c in conflict_columns() if c.kind == "text"]
            table.formatters = {**table.formatters, **{title: {"type": "textarea"} for title in wrapped},
                                _("Validated Oceco hours"): {
                "type": "money", "decimal": ",", "thousand": formatting.NNBSP, "symbol": formatting.NBSP + "h",
                "symbolAfter": True, "precision": 0}}
        return pn.Column(pn.pane.Markdown(_("{count} record(s) to check", count=len(data)),
                                          css_classes=["conflict-count"]), table, sizing_mode="stretch_width")

    def __panel__(self):
        if not self.ready:
            return PlainAlert(_("The directory has not been computed yet: run « alambic build »."),
                                 alert_type="warning")
        parts = [
            pn.FlexBox(self._search, self._pole, self._role),
            pn.pane.Markdown(_("Contact details: none of the sources records which ones each member agreed to "
                               "show, so the directory shows none. Ask the person, or a référent·e of their pole."),
                             css_classes=["hint"]),
            self.cards,
        ]
        if self.is_admin:
            parts += [
                pn.pane.Markdown("### " + _("Matchings to check")),
                pn.pane.Markdown(_("People are matched across Odoo, TiBillet and Oceco by e-mail. These records "
                                   "cannot be matched safely (Oceco does not publish its members' e-mails): "
                                   "nothing is guessed. Choose a record, then say which person it is, or that it "
                                   "is a distinct person. The suggestion is only a suggestion."),
                                 css_classes=["hint"]),
                self.conflicts,
                self.conflict_choice,
                self.conflict_detail,
                self.settle_form,
            ]
        return pn.Column(*parts, sizing_mode="stretch_width")
