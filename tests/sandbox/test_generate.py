"""The sandbox organisation: reproducible, La Raffinerie's size, source-shaped, self-consistent."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from alambic.config import load_config
from sandbox.demo_config import write_demo_config
from sandbox.generate import generate
from warehouse.resources import RESOURCES, resource

REPO = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 12, tzinfo=timezone(timedelta(hours=4)))
FULL_YEARS = ("2024", "2025")


@pytest.fixture(scope="module")
def org():
    return generate(seed=42, scale=1.0, today=TODAY)


def odoo_by_id(org, version: str, name: str) -> dict[int, dict]:
    return {r["id"]: r for r in org.odoo[version][name]}


# -- reproducibility ----------------------------------------------------------------------------


def test_same_seed_gives_the_same_organisation_and_another_seed_another():
    first = generate(seed=7, scale=0.3)
    assert first == generate(seed=7, scale=0.3)
    assert first != generate(seed=8, scale=0.3)


# -- size at scale 1 ----------------------------------------------------------------------------


def test_tree_and_people_have_la_raffinerie_size(org):
    levels = Counter(u["level"] for u in org.units)
    assert levels["organisation"] == 1 and levels["groupe"] == 6
    assert 10 <= levels["pole"] <= 12
    assert 20 <= levels["projet"] <= 30
    for unit in org.units:
        if unit["level"] == "projet":
            assert re.fullmatch(r"\d{5}", unit["code"]) and unit["code"][:3] == unit["parent"]
        if unit["level"] == "pole":
            assert re.fullmatch(r"\d{3}", unit["code"]) and unit["code"][:2] == unit["parent"]
        own = [] if unit["level"] == "organisation" else [unit["code"]]
        if unit["code"] == "102":  # Instances also holds the « Fonctions support » plan (sandbox/_ledger.py)
            assert unit["analytic_accounts"][0] == "102" and unit["analytic_accounts"][2] == "COM"
            assert re.fullmatch(r"id:\d+", unit["analytic_accounts"][1])
        else:
            assert unit["analytic_accounts"] == own
    kinds = Counter(p["kind"] for p in org.people)
    assert 80 <= len(org.people) <= 120
    assert 12 <= kinds["raffineur"] <= 18 and 45 <= kinds["volontaire"] <= 55
    assert len({p["email"] for p in org.people}) == len(org.people)


def test_yearly_volumes_are_in_the_expected_ranges(org):
    subsidies = Counter(str(s["notified_on"] or s["requested_on"])[:4] for s in org.app["subsidies"])
    soirees = Counter(e["startDate"][:4] for e in org.tibillet["events"])
    for year in FULL_YEARS:
        assert 6 <= subsidies[year] <= 10, year
    for year in (*FULL_YEARS, "2026"):
        assert 30 <= soirees[year] <= 50, year
    assert all(2_000 <= s["amount_granted"] <= 50_000 for s in org.app["subsidies"] if s["amount_granted"])
    assert any(s["nature"] == "investissement" for s in org.app["subsidies"])


def test_volunteering_is_about_three_thousand_hours_a_year(org):
    hours = Counter()
    for action in org.oceco["actions"]:
        year = datetime.fromtimestamp(action["endDate"]["$date"] / 1000, UTC).year
        validated = sum(state == "validated" for state in action["finishedBy"].values())
        if action["credits"] > 0:
            hours[year] += action["credits"] * validated
    for year in (2024, 2025):
        assert 2_000 <= hours[year] <= 4_000, hours


def test_budget_is_150_to_250_thousand_with_40_to_50_percent_subsidies(org):
    totals = defaultdict(Decimal)
    for line in org.odoo["17"]["account_analytic_line"]:
        code = line["general_account_id"][1][:6]
        kind = "charges" if code[0] == "6" else "subventions" if code[:2] == "74" else "autres produits"
        totals[(line["date"][:4], kind)] += Decimal(str(line["amount"]))
    for year in FULL_YEARS:
        expenses = -totals[(year, "charges")]
        income = totals[(year, "subventions")] + totals[(year, "autres produits")]
        assert 150_000 <= expenses <= 250_000, (year, expenses)
        assert 150_000 <= income <= 250_000, (year, income)
        assert 0.38 <= totals[(year, "subventions")] / income <= 0.52, year


# -- source shapes ------------------------------------------------------------------------------


def test_every_resource_is_a_registered_one_and_every_record_has_its_key(org):
    sources = {("odoo", v): org.odoo[v] for v in org.odoo} | {("tibillet", ""): org.tibillet, ("oceco", ""): org.oceco}
    for (source, version), resources in sources.items():
        for name, records in resources.items():
            res = resource(source, name)
            keys = [res.key(record) for record in records]
            assert all(key not in (None, False, "") for key in keys), (source, name)
            assert len(set(keys)) == len(keys), f"clé en double dans {source} {version} {name}"
    registered = {name for source, name in RESOURCES if source == "odoo"}
    assert set(org.odoo["15"]) == registered - {"account_analytic_plan"}
    assert set(org.odoo["17"]) == registered - {"account_analytic_group", "account_analytic_tag",
                                                 "account_analytic_distribution"}
    assert set(org.tibillet) == {name for source, name in RESOURCES if source == "tibillet"}
    assert set(org.oceco) == {name for source, name in RESOURCES if source == "oceco"}


def test_odoo_records_follow_the_wire_conventions(org):
    day = re.compile(r"\d{4}-\d{2}-\d{2}$")
    moment = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
    for version, resources in org.odoo.items():
        for name, records in resources.items():
            for record in records:
                assert None not in record.values(), (version, name, record)
                assert moment.match(record["write_date"]) and record["write_date"] <= "2026-11-27 08:00:00"
                for field in ("date", "invoice_date", "invoice_date_due", "date_maturity"):
                    if record.get(field):
                        assert day.match(record[field]), (name, field)
                for field in ("partner_id", "account_id", "journal_id", "move_id", "company_id"):
                    value = record.get(field, False)
                    assert value is False or (isinstance(value, list) and len(value) == 2), (name, field, value)
    accounts15, accounts17 = org.odoo["15"]["account_account"], org.odoo["17"]["account_account"]
    assert all("user_type_id" in a and "internal_type" in a and "account_type" not in a for a in accounts15)
    assert all("account_type" in a and "user_type_id" not in a for a in accounts17)
    codes = {a["code"] for a in accounts17}
    assert {"604100", "604200", "607000", "706000", "707100", "756100", "441000", "401000", "411000", "512000"} <= codes


def test_odoo_15_and_17_describe_the_same_books(org):
    old, new = org.odoo["15"], org.odoo["17"]
    for name in ("account_move", "account_move_line", "account_payment", "account_bank_statement_line"):
        assert [r["id"] for r in old[name]] == [r["id"] for r in new[name]], name
    assert [l["balance"] for l in old["account_move_line"]] == [l["balance"] for l in new["account_move_line"]]

    known_15 = {a["id"] for a in old["account_analytic_account"]}

    def per_account(lines):
        """Σ amount per analytic account, whatever column (account_id, x_plan<N>_id) holds it;
        17-only accounts (the « Financeurs ») left out."""
        sums = defaultdict(Decimal)
        for line in lines:
            for column, value in line.items():
                if (column == "account_id" or re.fullmatch(r"x_plan\d+_id", column)) and value \
                        and value[0] in known_15:
                    sums[value[0]] += Decimal(str(line["amount"]))
        return sums

    assert per_account(old["account_analytic_line"]) == per_account(new["account_analytic_line"])
    # 15 makes one more analytic line per tag distribution on a second-plan account (at the end)
    assert [l["move_id"][0] for l in old["account_analytic_line"]][:len(new["account_analytic_line"])] == [
        l["move_line_id"][0] for l in new["account_analytic_line"]
    ]
    # A single-account line of Odoo 15 is the same account (maybe joined with a funder) in 17.
    for line15, line17 in zip(old["account_move_line"], new["account_move_line"]):
        if line15["analytic_account_id"]:
            ((key, pct),) = line17["analytic_distribution"].items()
            assert key.split(",")[0] == str(line15["analytic_account_id"][0]) and pct == 100.0
        elif line15["analytic_tag_ids"]:
            assert len(line17["analytic_distribution"]) > 1


def test_odoo_17_uses_splits_joined_keys_and_a_second_plan(org):
    books = org.odoo["17"]
    distributions = [l["analytic_distribution"] for l in books["account_move_line"] if l["analytic_distribution"]]
    assert any(len(d) > 1 for d in distributions), "some lines are split between units"
    assert any("," in key for d in distributions for key in d), "some lines carry a funder (joined key)"
    roots = [p for p in books["account_analytic_plan"] if p["parent_id"] is False]
    assert {p["name"] for p in roots} == {"Projets", "Financeurs", "Fonctions support"}
    column = next(k for k in books["account_analytic_line"][0] if re.fullmatch(r"x_plan\d+_id", k))
    funder_plan = int(column[6:-3])
    assert any(p["id"] == funder_plan and p["name"] == "Financeurs" for p in roots)
    assert any(l[column] for l in books["account_analytic_line"])
    assert all(k.split(",")[0].isdigit() for d in distributions for k in d)


def test_analytic_lines_are_minus_balance_of_posted_lines_only(org):
    for version in ("15", "17"):
        books = org.odoo[version]
        moves = odoo_by_id(org, version, "account_move")
        lines = odoo_by_id(org, version, "account_move_line")
        link = "move_id" if version == "15" else "move_line_id"
        plans = {p["id"]: p for p in books["account_analytic_group" if version == "15" else "account_analytic_plan"]}

        def root(plan_id):
            parent = plans[plan_id]["parent_id"]
            return root(parent[0]) if parent else plan_id

        plan_of = {a["id"]: root((a.get("group_id") or a.get("plan_id"))[0]) for a in books["account_analytic_account"]}
        per_plan = defaultdict(Decimal)  # Odoo gives each plan its own 100 % of a line
        for al in books["account_analytic_line"]:
            for column, value in al.items():
                if (column == "account_id" or re.fullmatch(r"x_plan\d+_id", column)) and value:
                    per_plan[(al[link][0], plan_of[value[0]])] += Decimal(str(al["amount"]))
        per_line = defaultdict(list)
        for (line_id, _), amount in per_plan.items():
            per_line[line_id].append(amount)
        for line_id, amounts in per_line.items():
            line = lines[line_id]
            assert moves[line["move_id"][0]]["state"] == "posted"
            balance = -Decimal(str(line["balance"]))
            assert balance in amounts and all(abs(a) <= abs(balance) for a in amounts), (version, line_id)
    drafts = [m for m in org.odoo["17"]["account_move"] if m["state"] == "draft"]
    assert drafts and all(m["name"] == "/" for m in drafts)


def test_invoices_exist_in_every_state(org):
    moves = org.odoo["17"]["account_move"]
    bills = [m for m in moves if m["move_type"] == "in_invoice"]
    states = Counter((m["state"], m["payment_state"]) for m in bills)
    assert states[("posted", "paid")] and states[("posted", "not_paid")] and states[("draft", "not_paid")]
    overdue = [
        m
        for m in moves
        if m["state"] == "posted"
        and m["payment_state"] == "not_paid"
        and m["invoice_date_due"]
        and m["invoice_date_due"] < "2026-10-27"
    ]
    assert overdue, "some invoices are overdue"


def test_nothing_actual_happens_after_today(org):
    books = org.odoo["17"]
    assert all(m["date"] <= "2026-11-27" for m in books["account_move"] if m["state"] == "posted")
    assert all(p["date"] <= "2026-11-27" for p in books["account_payment"])
    assert all(s["datePublished"] < "2026-11-27T08:00" for s in org.tibillet["sales"])
    assert all(datetime.fromisoformat(l["createdAt"]) <= NOW for l in org.oceco["loguseractions"])
    assert any(e["startDate"] > "2026-11-28" for e in org.tibillet["events"]), "soirées are scheduled"


def test_tibillet_records_have_the_lespass_shapes(org):
    for sale in org.tibillet["sales"]:
        price = sale["offers"]["price"]
        assert re.fullmatch(r"\d+(\.\d*[1-9])?", price), price  # "12", "10.5", "0": trailing zeros stripped
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", sale["datePublished"])
        props = {p["name"]: p["value"] for p in sale["additionalProperty"]}
        assert re.fullmatch(r"-?\d+\.000000", props["quantity"])
        assert (props["quantity"].startswith("-")) == (props["status"] in ("R", "N"))
    statuses = Counter(
        p["value"] for s in org.tibillet["sales"] for p in s["additionalProperty"] if p["name"] == "status"
    )
    assert statuses["V"] and statuses["R"] and statuses["N"]
    offers = [o for p in org.tibillet["products"] for o in p["offers"]]
    assert all(re.fullmatch(r"\d+\.\d\d", o["price"]) for o in offers)
    assert any(o["freePrice"] for o in offers) and any(o["price"] == "0.00" for o in offers)
    assert all(e["startDate"].endswith("+04:00") for e in org.tibillet["events"])
    reservation = org.tibillet["reservations"][0]
    # `_tickets` (tickets by price) is the simulated server's own, for the v2 detail; the v1 list leaves it out
    assert set(reservation) - {"_tickets"} == {"uuid", "datetime", "user_mail", "event", "status", "options",
                                               "tickets", "paiements"}


def test_soiree_takings_in_odoo_are_the_net_tibillet_sales(org):
    net = Decimal(0)
    for sale in org.tibillet["sales"]:
        props = {p["name"]: p["value"] for p in sale["additionalProperty"]}
        if sale["category"] != "Subscription or membership" and props["status"] in ("V", "R", "N"):
            net += Decimal(sale["offers"]["price"]) * Decimal(props["quantity"])
    booked = sum(
        Decimal(str(l["credit"]))
        for l in org.odoo["17"]["account_move_line"]
        if l["account_id"][1].startswith(("707100", "707200"))
    )
    assert booked == net


def test_oceco_documents_have_the_ddp_shapes(org):
    hex24 = re.compile(r"[0-9a-f]{24}")
    org_id = org.oceco["organizations"][0]["_id"]
    for name, docs in org.oceco.items():
        assert all(hex24.fullmatch(d["_id"]) for d in docs), name
    for action in org.oceco["actions"]:
        assert isinstance(action["credits"], int) and isinstance(action["startDate"]["$date"], int)
        assert set(action["finishedBy"].values()) <= {"toModerate", "validated", "novalidated"}
    states = {s for a in org.oceco["actions"] for s in a["finishedBy"].values()}
    assert states == {"toModerate", "validated", "novalidated"}
    poles = {u["name"] for u in org.units if u["level"] == "pole"}
    assert {p["tags"][0] for p in org.oceco["projects"]} == poles
    assert all(re.search(r"\+04:00$", l["createdAt"]) for l in org.oceco["loguseractions"])
    assert all(isinstance(c["userWallet"][org_id]["userCredits"], int) for c in org.oceco["citoyens"])
    assert {c["email"] for c in org.oceco["citoyens"]} <= {p["email"] for p in org.people}


# -- app rows -----------------------------------------------------------------------------------


def test_app_rows_fit_the_app_tables(org):
    """Every row inserts into the real app.* tables (types and CHECK constraints included)."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA app")
    con.execute((REPO / "sql" / "migrations" / "0002_app_tables.sql").read_text(encoding="utf-8"))
    con.execute((REPO / "sql" / "migrations" / "0012_subsidy_odoo_move.sql").read_text(encoding="utf-8"))
    ids = []
    for table, rows in org.app.items():
        assert rows, table
        id_column = next(iter(rows[0]))
        ids += [row[id_column] for row in rows]
        con.register("frame", pd.DataFrame(rows))
        con.execute(f"INSERT INTO app.{table} BY NAME SELECT * FROM frame")
        con.unregister("frame")
        assert con.execute(f"SELECT count(*) FROM app.{table}").fetchall()[0][0] == len(rows)
    assert sorted(ids) == list(range(1, len(ids) + 1)), "one sequence for every app table"
    emails = {p["email"] for p in org.people}
    assert all(row["created_by"] in emails for rows in org.app.values() for row in rows)
    units = {u["code"] for u in org.units}
    assert all(row["unit_code"] in units for row in org.app["forecasts"] + org.app["remuneration_proposals"])


def test_proposals_in_every_state_and_their_bills(org):
    proposals = org.app["remuneration_proposals"]
    assert {p["status"] for p in proposals} == {"proposee", "validee", "refusee", "facturee", "payee"}
    assert all(p["decision_comment"] for p in proposals if p["status"] == "refusee")
    assert all(20 <= p["hourly_rate"] <= 40 and 100 <= p["amount"] <= 1500 for p in proposals)
    moves = odoo_by_id(org, "17", "account_move")
    partners = odoo_by_id(org, "17", "res_partner")
    analytic = odoo_by_id(org, "17", "account_analytic_account")
    lines = defaultdict(list)
    for line in org.odoo["17"]["account_move_line"]:
        lines[line["move_id"][0]].append(line)
    for p in proposals:
        if p["status"] not in ("facturee", "payee"):
            assert p["odoo_move_id"] is None
            continue
        bill = moves[p["odoo_move_id"]]
        assert bill["move_type"] == "in_invoice" and bill["state"] == "posted"
        assert partners[bill["partner_id"][0]]["email"] == p["person_email"]
        assert (bill["payment_state"] == "paid") == (p["status"] == "payee")
        (expense,) = [l for l in lines[bill["id"]] if l["analytic_distribution"]]
        assert expense["account_id"][1][:6] == {"bienveillance": "604100", "prestation_interne": "604200"}[p["kind"]]
        account_id = int(next(iter(expense["analytic_distribution"])).split(",")[0])
        assert analytic[account_id]["code"] == p["unit_code"]


def test_subsidies_follow_up_matches_odoo(org):
    payments = odoo_by_id(org, "17", "account_payment")
    partners = odoo_by_id(org, "17", "res_partner")
    instalments = defaultdict(list)
    for i in org.app["subsidy_instalments"]:
        instalments[i["subsidy_id"]].append(i)
    for s in org.app["subsidies"]:
        assert partners[s["odoo_partner_id"]]["name"] == s["funder"]
        if s["amount_granted"]:
            assert sum(i["amount"] for i in instalments[s["subsidy_id"]]) == s["amount_granted"]
    for i in org.app["subsidy_instalments"]:
        assert (i["odoo_payment_id"] is None) == (i["received_on"] is None)
        if i["odoo_payment_id"]:
            payment = payments[i["odoo_payment_id"]]
            # an instalment of 5 000 € or more comes in two transfers: its payment is the first (60 %)
            first_part = (i["amount"] * Decimal("0.6")).quantize(Decimal("0.01"))
            assert Decimal(str(payment["amount"])) in (i["amount"], first_part)
            assert payment["date"] == i["received_on"].isoformat()
    late = [
        i
        for i in org.app["subsidy_instalments"]
        if i["kind"] == "solde" and i["received_on"] is None and i["expected_on"] < TODAY
    ]
    assert late, "at least one solde is late"


def test_roles_have_history_and_a_few_vacancies(org):
    rows = org.app["role_assignments"]
    current = {(r["unit_code"], r["role_code"]) for r in rows if r["ended_on"] is None}
    poles = [u["code"] for u in org.units if u["level"] == "pole"]
    roles = {r["role_code"] for r in rows}
    assert roles == {
        "garant_cadre",
        "referent_budget_subvention",
        "referent_taches_planning",
        "prestation_interne",
        "bienveillant",
    }
    vacant = [(p, r) for p in poles for r in roles if (p, r) not in current]
    assert 2 <= len(vacant) <= 3
    assert any(r["ended_on"] for r in rows)


def test_soirees_have_referents_and_dispatched_takings(org):
    events = {e["identifier"] for e in org.tibillet["events"]}
    referents = {r["event_id"] for r in org.app["event_referents"]}
    assert referents <= events and len(referents) >= 0.75 * len(events)
    transfers = org.app["internal_transfers"]
    assert any(t["event_id"] in events for t in transfers)
    assert all(t["from_unit"] != t["to_unit"] and t["amount"] > 0 for t in transfers)


def test_forecasts_cover_units_categories_and_periods(org):
    forecasts = org.app["forecasts"]
    lengths = Counter((f["period_end"] - f["period_start"]).days // 28 for f in forecasts)
    assert lengths[1] and lengths[3] and lengths[13], lengths  # months, quarters, years
    assert {f["period_start"].year for f in forecasts} == {2024, 2025, 2026}
    assert {u["level"] for u in org.units if u["code"] in {f["unit_code"] for f in forecasts}} == {"pole", "projet"}
    assert {"bienveillance", "prestations_externes_achats", "subventions", "ventes"} <= {
        f["category_code"] for f in forecasts
    }


# -- bank -----------------------------------------------------------------------------------------


def test_cash_opens_between_15_and_40_thousand_and_dips_once(org):
    lines = sorted(org.odoo["17"]["account_bank_statement_line"], key=lambda s: (s["date"], s["id"]))
    assert lines[0]["date"] == "2024-01-01" and 15_000 <= lines[0]["amount"] <= 40_000
    closing, balance = {}, Decimal(0)
    for line in lines:
        balance += Decimal(str(line["amount"]))
        closing[line["date"][:7]] = balance
    assert min(closing.values()) <= 500, "a month where cash runs (nearly) dry"
    bank = sum(
        Decimal(str(l["balance"]))
        for l in org.odoo["17"]["account_move_line"]
        if l["account_id"][1].startswith("512000")
    )
    assert bank == balance


# -- demo configuration -------------------------------------------------------------------------


def test_demo_config_loads_with_every_unit(org, tmp_path):
    path = write_demo_config(org, tmp_path / "demo", tmp_path / "demo" / "entrepot.duckdb")
    config = load_config(path)
    assert [u.code for u in config.units] == [u["code"] for u in org.units]
    assert config.unit("303").name == next(u["name"] for u in org.units if u["code"] == "303")
    assert config.as_of == "2026-11-27"
    assert config.warehouse_path == tmp_path / "demo" / "entrepot.duckdb"
    assert {c.code for c in config.categories} >= {"bienveillance", "subventions", "ventes"}


def test_the_demo_configuration_finds_its_warehouse_from_any_working_directory(tmp_path, monkeypatch):
    from alambic.config import load_config
    from sandbox.demo_config import write_demo_config
    from sandbox.generate import generate

    monkeypatch.chdir(tmp_path)
    path = write_demo_config(generate(seed=1, scale=0.2), tmp_path / "demo", tmp_path / "demo" / "alambic.duckdb")
    monkeypatch.chdir("/")
    assert load_config(path).warehouse_path == tmp_path / "demo" / "alambic.duckdb"
