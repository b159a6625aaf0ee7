"""Mon tableau de bord shows the signed-in member's own figures, equal to the marts, and nobody
else's."""

from __future__ import annotations

import panel as pn
import pytest

from alambic.users import DEMO, User
from dashboards.app import AppContext
from dashboards.mon_tableau_de_bord import MonTableauDeBord


def two_members(warehouse) -> list[str]:
    """Two sandbox members with proposals, volunteering and roles — each their own."""
    return warehouse.query(
        """SELECT p.person_email FROM marts.remuneration_proposals AS p
           JOIN marts.volunteer_hours AS v ON v.person_email = p.person_email
           JOIN marts.role_history AS r ON r.person_email = p.person_email AND r.status = 'en_cours'
           GROUP BY 1 ORDER BY count(DISTINCT p.proposal_id) DESC, 1 LIMIT 2""")["person_email"].tolist()


def page_for(warehouse, email: str, role: str = "member") -> MonTableauDeBord:
    user = User(login=email.split("@")[0], email=email, role=role)
    return MonTableauDeBord(context=AppContext(warehouse=warehouse), who=lambda: user)


def test_each_member_sees_only_their_own_figures(sandbox_warehouse):
    first, second = two_members(sandbox_warehouse)
    for email, other in ((first, second), (second, first)):
        page = page_for(sandbox_warehouse, email)
        summary = page.mine("resume").iloc[0]
        mine = sandbox_warehouse.query(
            "SELECT status, sum(amount)::DOUBLE AS amount FROM marts.remuneration_proposals "
            "WHERE person_email = ? GROUP BY status", [email]).set_index("status")["amount"]
        assert float(summary.potential) == pytest.approx(mine.get("proposee", 0) + mine.get("validee", 0))
        assert float(summary.to_invoice) == pytest.approx(mine.get("validee", 0))
        assert float(summary.awaiting_payment) == pytest.approx(mine.get("facturee", 0))

        exercice = int(summary.exercice)
        hours = sandbox_warehouse.query(
            "SELECT coalesce(sum(hours_validated), 0)::DOUBLE AS h, coalesce(sum(valuation), 0)::DOUBLE AS v "
            "FROM marts.volunteer_hours WHERE person_email = ? AND exercice = ?", [email, exercice]).iloc[0]
        assert float(summary.hours_validated) == pytest.approx(hours.h)
        assert float(summary.valuation) == pytest.approx(hours.v)
        assert page.mine("volontariat")["hours_validated"].sum() == pytest.approx(hours.h)

        roles = page.mine("roles")
        held = sandbox_warehouse.query(
            "SELECT count(*) AS n FROM marts.role_history WHERE person_email = ? AND status IN ('en_cours', 'a_venir')",
            [email])["n"][0]
        assert len(roles) == held > 0

        # my proposals' sections list mine, all of mine, and none of the other member's
        ids = set(sandbox_warehouse.query(
            "SELECT proposal_id FROM marts.remuneration_proposals WHERE person_email = ? "
            "AND status IN ('validee', 'facturee', 'proposee')", [email])["proposal_id"])
        theirs = set(sandbox_warehouse.query(
            "SELECT proposal_id FROM marts.remuneration_proposals WHERE person_email = ?", [other])["proposal_id"])
        listed = set()
        for status in ("validee", "facturee", "proposee"):
            section = page.my_proposals(status, "", "")
            for table in section.select(pn.widgets.Tabulator):
                listed |= {int(n) for n in table.value["N°"]}
        assert listed == ids and not (listed & theirs)


def test_proposals_to_validate_are_those_of_the_referents_units(sandbox_warehouse):
    referent = sandbox_warehouse.query(
        """SELECT r.person_email, p.unit_code FROM app.role_assignments AS r
           JOIN marts.org_rollup AS o ON o.ancestor_code = r.unit_code
           JOIN app.remuneration_proposals AS p ON p.unit_code = o.unit_code AND p.status = 'proposee'
                AND p.person_email <> r.person_email
           WHERE r.role_code = 'referent_budget_subvention' AND r.ended_on IS NULL
           ORDER BY 1 LIMIT 1""").iloc[0]
    page = page_for(sandbox_warehouse, referent.person_email)
    from dashboards.components import awaiting_decision

    waiting = awaiting_decision(sandbox_warehouse, page.user)
    assert len(waiting) > 0 and referent.unit_code in set(waiting["unit_code"])
    assert referent.person_email not in set(waiting["person_email"])
    nobody = page_for(sandbox_warehouse, "personne@exemple.re")
    assert awaiting_decision(sandbox_warehouse, nobody.user).empty


def test_without_a_login_the_page_asks_for_one(sandbox_warehouse):
    page = MonTableauDeBord(context=AppContext(warehouse=sandbox_warehouse), who=lambda: DEMO)
    view = pn.panel(page)
    alerts = view.select(pn.pane.Alert) if hasattr(view, "select") else [view]
    assert any("Connectez-vous" in str(a.object) for a in alerts)


def test_the_email_comes_from_the_session_not_from_the_address(sandbox_warehouse):
    """The page has no parameter a link could set to read someone else's dashboard."""
    assert "email" not in MonTableauDeBord.param
    first, _second = two_members(sandbox_warehouse)
    page = page_for(sandbox_warehouse, first)
    assert set(page.mine("roles")["unit_code"]) <= set(sandbox_warehouse.query(
        "SELECT unit_code FROM app.role_assignments WHERE person_email = ?", [first])["unit_code"])


def test_before_the_first_build_the_page_says_so(budget_warehouse):
    """The hand-made warehouse has no people or proposals marts, as a fresh one before a build."""
    page = page_for(budget_warehouse, "quelqu.un@exemple.re")
    view = page.__panel__()
    assert isinstance(view, pn.pane.Alert) and "alambic build" in view.object
