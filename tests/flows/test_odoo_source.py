"""The Odoo client against the simulated Odoo server, over loopback, with the unmodified odoorpc."""

from __future__ import annotations

import json
import logging
import traceback

import odoorpc
import pytest

from flows.sources import SourceError
from flows.sources.odoo import EXTRACTS, OdooSource
from sandbox.servers import free_port, serve_in_thread
from sandbox.servers.odoo import OdooBooks, odoo_app
from tests.flows.conftest import ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD
from warehouse.load import Watermark, load_records
from warehouse.migrations import migrate

RESOURCES = list(EXTRACTS)
ONLY_15 = {"account_analytic_group", "account_analytic_tag", "account_analytic_distribution"}
ONLY_16_UP = {"account_analytic_plan"}


def source(server, **options) -> OdooSource:
    return OdooSource(server.url, ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD, **options)


def served(server, resource: str) -> dict[int, dict]:
    return {row["id"]: row for row in server.app.state.databases[ODOO_DB].rows(resource)}


def raw(warehouse, resource: str) -> dict[str, str]:
    with warehouse.read() as con:
        rows = con.execute(f"SELECT key, payload::VARCHAR FROM raw_odoo.{resource} ORDER BY key").fetchall()
    return dict(rows)


def load(warehouse, resource: str, batch):
    """As a sync flow would: a complete batch also removes what the source no longer has."""
    return load_records(warehouse, "odoo", resource, batch.records, watermark=batch.watermark,
                        quarantine=batch.rejected, delete_missing=batch.complete)


def assert_secret_kept(error: SourceError) -> None:
    text = "".join(traceback.format_exception(error))
    assert ODOO_PASSWORD not in text


# -- first full fetch ----------------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_first_fetch_returns_every_record_of_the_version(odoo_server, resource):
    batch = source(odoo_server).fetch(resource, None)
    exists = not (resource in ONLY_15 and odoo_server.version == "17"
                  or resource in ONLY_16_UP and odoo_server.version == "15")
    expected = served(odoo_server, resource) if exists else {}
    assert batch.complete and not batch.rejected
    assert sorted(r["id"] for r in batch.records) == sorted(expected)
    for record in batch.records:  # every field the server has, as it has it (all are wanted here)
        assert record == {"id": record["id"]} | {k: v for k, v in expected[record["id"]].items() if k in record}
    if expected:
        last = max(expected.values(), key=lambda r: (r["write_date"], r["id"]))
        assert batch.watermark == Watermark(last["write_date"], str(last["id"]))


def test_the_fields_follow_the_version_shape(odoo_server):
    client = source(odoo_server)
    analytic = client.fetch("account_analytic_line").records[0]
    move_line = next(r for r in client.fetch("account_move_line").records if r["id"] == 1001)
    accounts = client.fetch("account_account").records[0]
    if odoo_server.version == "15":
        assert analytic["move_id"] and "move_line_id" not in analytic and "x_plan2_id" not in analytic
        assert move_line["analytic_account_id"] == [10, "[VELO] Ateliers vélo"]
        assert "analytic_distribution" not in move_line
        assert accounts["internal_type"] == "receivable" and "account_type" not in accounts
    else:
        assert analytic["move_line_id"] and "move_id" not in analytic and analytic["x_plan2_id"] is False
        assert move_line["analytic_distribution"] == {"10": 100.0} and "analytic_account_id" not in move_line
        assert accounts["account_type"] == "asset_receivable" and "user_type_id" not in accounts


def test_archived_records_are_fetched(odoo_server):
    client = source(odoo_server)
    assert {r["id"] for r in client.fetch("res_partner").records} == {7, 8}
    assert {r["id"] for r in client.fetch("account_analytic_account").records} == {10, 11}


def test_pages_follow_write_date_then_id(odoo_server):
    odoo_server.app.state.requests.clear()
    paged = source(odoo_server, page_size=2).fetch("account_analytic_line")
    whole = source(odoo_server).fetch("account_analytic_line")
    assert [r["id"] for r in paged.records] == [r["id"] for r in whole.records] == [200, 201, 202]
    # fields_get once; pages of 2, 1 for the 3 lines (tied on write_date), then 2 + 1 requests again
    assert odoo_server.app.state.requests["account.analytic.line"] == 1 + 2 + 1 + 1
    assert paged.watermark == whole.watermark == Watermark("2025-01-10 09:05:00", "202")


# -- incremental fetches -------------------------------------------------------------------------


def test_a_second_fetch_brings_nothing_new_in_the_expected_requests(odoo_server, warehouse):
    migrate(warehouse)
    first = {name: source(odoo_server).fetch(name) for name in RESOURCES}
    for name, batch in first.items():
        load(warehouse, name, batch)
    odoo_server.app.state.requests.clear()
    odoo_server.app.state.calls.clear()
    again = source(odoo_server)
    for name in RESOURCES:
        batch = again.fetch(name, first[name].watermark)
        result = load(warehouse, name, batch)
        assert (result.rows_new, result.rows_changed) == (0, 0), name
        assert batch.watermark == first[name].watermark
    models = {EXTRACTS[n].model for n in RESOURCES if (n not in ONLY_15 or odoo_server.version == "15")
              and (n not in ONLY_16_UP or odoo_server.version == "17")}
    # login's context_get, then per model: one fields_get, one search_read
    assert dict(odoo_server.app.state.requests) == {"res.users": 1} | {m: 2 for m in models}
    assert sorted(odoo_server.app.state.calls) == sorted(
        [("res.users", "context_get")] + [(m, k) for m in models for k in ("fields_get", "search_read")])


def test_without_overlap_a_fetch_from_the_watermark_returns_nothing(odoo_server):
    first = source(odoo_server).fetch("account_move")
    batch = source(odoo_server, overlap_seconds=0).fetch("account_move", first.watermark)
    assert batch.records == [] and not batch.complete and batch.watermark == first.watermark


def test_the_overlap_rescans_what_was_written_just_before_the_watermark(odoo_server):
    first = source(odoo_server).fetch("account_move")  # moves written 09:00 and 09:05
    assert [r["id"] for r in source(odoo_server).fetch("account_move", first.watermark).records] == [100, 101]
    short = source(odoo_server, overlap_seconds=60).fetch("account_move", first.watermark)
    assert [r["id"] for r in short.records] == [101]


@pytest.mark.parametrize("overlap", [0, 600])
def test_edits_and_new_records_are_fetched_and_loaded_exactly(odoo_editable, warehouse, overlap):
    migrate(warehouse)
    client = source(odoo_editable, overlap_seconds=overlap)
    first = client.fetch("account_move")
    load(warehouse, "account_move", first)
    books = odoo_editable.books
    books.edit("account_move", 100, payment_state="paid", amount_residual=0.0)
    added = books.add("account_move", books.rows("account_move")[0] | {"id": 104, "name": "FAC/2025/0003"})
    batch = source(odoo_editable, overlap_seconds=overlap).fetch("account_move", first.watermark)
    fetched = [r["id"] for r in batch.records]
    assert fetched[-2:] == [100, 104]  # in write_date order, after any overlap re-scan
    assert fetched == ([100, 104] if overlap == 0 else [101, 100, 104])
    assert batch.watermark == Watermark(added["write_date"], "104")
    result = load(warehouse, "account_move", batch)
    assert (result.rows_new, result.rows_changed) == (1, 1)
    assert {int(k): json.loads(v) for k, v in raw(warehouse, "account_move").items()} == \
        {k: {f: v for f, v in row.items() if f != "create_date"} for k, row in served(odoo_editable, "account_move").items()}


def test_deletions_are_caught_by_the_reconciliation(odoo_editable, warehouse):
    migrate(warehouse)
    client = source(odoo_editable)
    first = client.fetch("account_analytic_line")
    load(warehouse, "account_analytic_line", first)
    odoo_editable.books.delete("account_analytic_line", 201)
    incremental = client.fetch("account_analytic_line", first.watermark)
    assert 201 not in {r["id"] for r in incremental.records} and not incremental.complete
    assert client.ids("account_analytic_line") == {200, 202}
    full = client.reconcile("account_analytic_line")
    assert full.complete
    result = load(warehouse, "account_analytic_line", full)
    assert result.rows_deleted == 1
    assert set(raw(warehouse, "account_analytic_line")) == {"200", "202"}


def test_ids_include_archived_records_and_skip_models_of_other_versions(odoo_server):
    client = source(odoo_server)
    assert client.ids("res_partner") == {7, 8}
    for absent in ONLY_16_UP if odoo_server.version == "15" else ONLY_15:
        assert client.ids(absent) == set()


# -- validation ------------------------------------------------------------------------------------


def test_badly_typed_records_are_rejected_with_a_french_reason(odoo_editable):
    books = odoo_editable.books
    books.edit("account_move", 100, amount_total="120,00")
    books.edit("account_move", 101, partner_id=[7])
    books.add("account_move", books.rows("account_move")[0] | {"id": 105, "write_date": False})
    batch = source(odoo_editable).fetch("account_move")
    assert batch.records == []
    reasons = {record["id"]: reason for record, reason in batch.rejected}
    assert reasons[100] == "champ 'amount_total' : nombre attendu, reçu '120,00' (str)"
    assert reasons[101].startswith("champ 'partner_id' : [id, nom] ou false attendu")
    assert reasons[105].startswith("champ 'write_date' : date-heure")


def test_a_rejected_record_goes_to_quarantine_and_the_others_load(odoo_editable, warehouse):
    migrate(warehouse)
    odoo_editable.books.edit("account_analytic_line", 201, amount=None)
    batch = source(odoo_editable).fetch("account_analytic_line")
    assert [r["id"] for r in batch.records] == [200, 202]
    assert [(r["id"], reason) for r, reason in batch.rejected] == [(201, "champ 'amount' : nombre attendu, reçu None (NoneType)")]
    load(warehouse, "account_analytic_line", batch)
    with warehouse.read() as con:
        quarantined = con.execute("SELECT record_key, reason FROM meta.quarantine").fetchall()
    assert quarantined == [("201", batch.rejected[0][1])]
    assert batch.watermark.last_key == "201"  # a rejected record still moves the watermark


# -- failures ------------------------------------------------------------------------------------


def expect_error(client: OdooSource, resource: str, match: str) -> SourceError:
    with pytest.raises(SourceError, match=match) as caught:
        client.fetch(resource)
    error = caught.value
    assert (error.source, error.resource) == ("odoo", resource)
    assert str(error).startswith(f"odoo / {resource} : ")
    assert_secret_kept(error)
    return error


def test_server_down():
    url = f"http://127.0.0.1:{free_port()}"
    client = OdooSource(url, ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD)
    expect_error(client, "account_move", r"serveur injoignable à http://127\.0\.0\.1:\d+ pendant la connexion : ")


def test_http_500(odoo_server):
    odoo_server.app.state.faults.http_500 = True
    expect_error(source(odoo_server), "account_move", r"a répondu HTTP 500 \(Internal Server Error\) à la connexion")


def test_http_500_after_login(odoo_server):
    client = source(odoo_server)
    client.fetch("res_company")
    odoo_server.app.state.faults.http_500 = True
    expect_error(client, "account_move", r"HTTP 500 .* à la lecture des champs \(fields_get\)")


def test_timeout(odoo_server):
    client = source(odoo_server, timeout=0.2)
    client.fetch("res_company")
    odoo_server.app.state.faults.delay = 0.6
    expect_error(client, "account_move", r"pas de réponse de .* en 0\.2 s pendant la lecture des champs")


def test_malformed_json(odoo_server):
    client = source(odoo_server)
    client.fetch("account_move")
    odoo_server.app.state.faults.malformed = True
    expect_error(client, "account_move", r"réponse illisible .* à la lecture des enregistrements \(search_read\) \(JSON invalide")


def test_connection_dropped_mid_answer(odoo_server):
    odoo_server.app.state.faults.drop_after = 3  # version_info, login, context_get; then cut
    expect_error(source(odoo_server), "account_move", r"connexion coupée par .* pendant la lecture des champs")


def test_wrong_password(odoo_server):
    client = OdooSource(odoo_server.url, ODOO_DB, ODOO_LOGIN, "not-" + ODOO_PASSWORD)
    error = expect_error(client, "account_move", r"identifiant ou mot de passe refusé .* « alambic »")
    assert "not-" not in str(error)


def test_password_changed_after_login_is_access_denied(odoo_editable):
    client = source(odoo_editable)
    client.fetch("res_company")
    odoo_editable.books.password = "changed"
    expect_error(client, "account_move", r"accès refusé .* pendant la lecture des champs \(fields_get\) : identifiant ou mot de passe invalide")


def test_unknown_database_and_unknown_resource(odoo_server):
    client = OdooSource(odoo_server.url, "ailleurs", ODOO_LOGIN, ODOO_PASSWORD)
    expect_error(client, "account_move", r'Odoo a répondu une erreur à la connexion : .*database "ailleurs" does not exist')
    with pytest.raises(SourceError, match="odoo / stock_move : ressource inconnue"):
        source(odoo_server).fetch("stock_move")


def test_a_model_missing_on_the_server_is_a_source_error(odoo_editable):
    del odoo_editable.books.models["account.payment"]
    expect_error(source(odoo_editable), "account_payment", r"Object account\.payment doesn't exist")


def test_credentials_never_shown_or_logged(odoo_server, caplog):
    client = source(odoo_server)
    assert ODOO_PASSWORD not in repr(client) and "password='***'" in repr(client)
    with caplog.at_level(logging.DEBUG):
        client.fetch("res_company")
    assert ODOO_PASSWORD not in caplog.text


@pytest.mark.parametrize("url, expected", [
    ("http://odoo.local:8069", ("odoo.local", 8069, "jsonrpc")),
    ("https://odoo.example.org", ("odoo.example.org", 443, "jsonrpc+ssl")),
    ("https://odoo.example.org:8443/", ("odoo.example.org", 8443, "jsonrpc+ssl")),
])
def test_the_url_gives_host_port_and_protocol(url, expected):
    client = OdooSource(url, ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD)
    assert (client.host, client.port, client.protocol) == expected


@pytest.mark.parametrize("url", ["odoo.local:8069", "ftp://odoo.local", "https://odoo.example.org/odoo"])
def test_a_bad_url_is_a_source_error(url):
    with pytest.raises(SourceError, match="adresse Odoo invalide"):
        OdooSource(url, ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD)


# -- the simulated server itself, through odoorpc ----------------------------------------------


@pytest.fixture
def odoo(odoo_server):
    client = odoorpc.ODOO("127.0.0.1", port=odoo_server.port, timeout=5)
    client.login(ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD)
    return client


def ids(odoo, model, domain, **kwargs):
    return odoo.execute_kw(model, "search", [domain], kwargs)


def test_server_version_and_databases(odoo, odoo_server):
    assert odoo.version == f"{odoo_server.version}.0"
    assert odoo.db.list() == [ODOO_DB]
    assert odoo.env.context["lang"] == "fr_FR" and odoo.env.uid == 2


def test_server_domain_operators(odoo):
    move = "account.move.line"
    assert ids(odoo, move, [["balance", ">", 0]]) == [1000, 1002]
    assert ids(odoo, move, [["balance", "<=", -80.0], ["id", "!=", 1001]]) == [1003]
    assert ids(odoo, move, ["|", ["id", "=", 1000], ["id", "in", [1003]]]) == [1000, 1003]
    assert ids(odoo, move, ["!", ["id", "not in", [1000, 1001]]]) == [1000, 1001]
    assert ids(odoo, move, [["account_id", "=", 2]]) == [1001, 1003]
    assert ids(odoo, move, [["account_id", "ilike", "prestations"]]) == [1001, 1003]
    assert ids(odoo, move, [["account_id", "like", "prestations"]]) == []
    assert ids(odoo, move, [["move_name", "=like", "FAC/2025/000_"], ["balance", ">=", 120]]) == [1000]
    assert ids(odoo, move, [["full_reconcile_id", "=", False], ["date_maturity", "!=", "2025-01-01"]]) == [
        1000, 1001, 1002, 1003]
    assert ids(odoo, move, [], order="balance desc, id desc", offset=1, limit=2) == [1002, 1003]


def test_server_active_test_and_reads(odoo):
    assert ids(odoo, "res.partner", []) == [7]
    assert ids(odoo, "res.partner", [], context={"active_test": False}) == [7, 8]
    assert odoo.execute_kw("res.partner", "search_count", [[]], {"context": {"active_test": False}}) == 2
    assert odoo.execute_kw("res.partner", "read", [[8], ["name"]]) == [{"id": 8, "name": "Brasserie Péi"}]
    rows = odoo.execute_kw("account.move", "search_read", [[["id", "=", 100]]],
                           {"fields": ["partner_id"], "load": "_classic_write"})
    assert rows == [{"id": 100, "partner_id": 7}]
    assert "account.move" in odoo.env and "stock.move" not in odoo.env


def test_server_errors_as_odoo_sends_them(odoo):
    with pytest.raises(odoorpc.error.RPCError, match="Invalid field 'nope' on model 'account.move'") as caught:
        odoo.execute_kw("account.move", "search_read", [[]], {"fields": ["nope"]})
    assert caught.value.info["code"] == 200 and caught.value.info["data"]["name"] == "builtins.ValueError"
    with pytest.raises(odoorpc.error.RPCError, match="Object stock.move doesn't exist"):
        odoo.execute_kw("stock.move", "search", [[]])
    with pytest.raises(odoorpc.error.RPCError, match="Invalid field"):
        ids(odoo, "account.move", [["nope", "=", 1]])
    with pytest.raises(odoorpc.error.RPCError, match="Private methods"):
        odoo.execute_kw("account.move", "_compute", [])
    with pytest.raises(odoorpc.error.RPCError, match="Wrong login ID or password"):
        odoorpc.ODOO("127.0.0.1", port=odoo.port).login(ODOO_DB, ODOO_LOGIN, "wrong")


def test_fields_get_types_what_the_records_hold(odoo, odoo_server):
    line = odoo.execute_kw("account.analytic.line", "fields_get", [], {"attributes": ["type", "relation"]})
    assert line["amount"] == {"type": "monetary"}
    assert line["account_id"] == {"type": "many2one", "relation": "account.analytic.account"}
    if odoo_server.version == "15":
        assert line["move_id"] == {"type": "many2one", "relation": "account.move.line"}
    else:
        assert line["x_plan2_id"] == {"type": "many2one", "relation": "account.analytic.account"}
        assert odoo.execute_kw("account.move.line", "fields_get", [], {})["analytic_distribution"]["type"] == "json"


# -- the sandbox organisation ---------------------------------------------------------------------


@pytest.mark.parametrize("version", ["15", "17"])
def test_the_sandbox_books_are_served_and_fetched_whole(odoo_sandbox_records, version):
    records = odoo_sandbox_records[version]
    app = odoo_app({ODOO_DB: OdooBooks(version, records, login=ODOO_LOGIN, password=ODOO_PASSWORD)})
    with serve_in_thread(app) as server:
        client = source(server)
        for name in RESOURCES:
            batch = client.fetch(name)
            assert not batch.rejected, (name, batch.rejected[:3])
            assert sorted(r["id"] for r in batch.records) == sorted(r["id"] for r in records.get(name, [])), name
            again = client.fetch(name, batch.watermark)
            assert {r["id"] for r in again.records} <= {r["id"] for r in batch.records}
