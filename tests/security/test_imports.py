"""#15-6 and #15-14: a spreadsheet import is bounded (size, rows), read off the server's event loop,
and every file it cannot read gets a French message — never an exception. Model level (no
server): the same functions the page calls."""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import threading
import time

import openpyxl
import param
import pytest

from models import Invalid, import_forecasts
from models.forecast import preview_copy
from models.forecast_import import MAX_FILE_BYTES, MAX_ROWS
from tests.models.conftest import built_file, wh  # noqa: F401  (a built warehouse, fresh per test)
from tests.models.helpers import ADMIN

HEADER = "unité;catégorie;début;fin;montant;libellé\n"
GOOD = "303;ventes;01/01/2027;31/12/2027;100;Marché\n"


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Unité", "Catégorie", "Début", "Fin", "Montant", "Libellé"])
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def french(text: str) -> bool:
    return any(word in text for word in ("fichier", "Ligne", "saisissez", "ligne", "cellule")) and \
        "Error" not in text and "Traceback" not in text


def test_a_sheet_of_15000_rows_is_refused_at_once_in_french(wh):
    data = xlsx([["303", "ventes", "01/01/2027", "31/12/2027", n, f"Ligne {n}"] for n in range(15_000)])
    assert len(data) < MAX_FILE_BYTES  # small on disk: the rows are the problem
    started = time.monotonic()
    preview = import_forecasts(wh, ADMIN, data, "enorme.xlsx")
    elapsed = time.monotonic() - started
    assert preview.lines == [] and len(preview.problems) == 1
    assert f"plus de {MAX_ROWS} lignes" in preview.problems[0]
    assert elapsed < 15, f"{elapsed:.1f} s to refuse it"


def test_a_file_too_big_is_refused_in_french(wh):
    data = (HEADER + GOOD * (MAX_FILE_BYTES // len(GOOD) + 10)).encode()
    preview = import_forecasts(wh, ADMIN, data, "gros.csv")
    assert preview.problems and "trop gros" in preview.problems[0]


def test_a_zip_bomb_xlsx_is_refused(wh):
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (60 * 1024 * 1024))
    preview = import_forecasts(wh, ADMIN, data.getvalue(), "bombe.xlsx")
    assert preview.problems and "trop gros" in preview.problems[0]


BAD_FILES = {
    "29-digit amount": ((HEADER + "303;ventes;01/01/2027;31/12/2027;12345678901234567890123456789;x\n").encode(),
                        "previsionnel.csv"),
    "1e300 in a cell": (xlsx([["303", "ventes", "01/01/2027", "31/12/2027", 1e300, "x"]]), "previsionnel.xlsx"),
    "tiny fraction": (xlsx([["303", "ventes", "01/01/2027", "31/12/2027", 1e-300, "x"]]), "previsionnel.xlsx"),
    "undecodable bytes": (HEADER.encode() + b"303;ventes;\x81\x8d\x8f\x90\x9d;31/12/2027;1;x\n", "previsionnel.csv"),
    "128 KB field": ((HEADER + "303;ventes;01/01/2027;31/12/2027;1;" + "x" * 131_073 + "\n").encode(),
                     "previsionnel.csv"),
    "NUL bytes": ((HEADER + "303;ventes;01/01/2027;31/12/2027;1;x\x00y\n").encode(), "previsionnel.csv"),
    "damaged xlsx": (b"PK\x03\x04" + b"\x00" * 200, "previsionnel.xlsx"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_file_it_cannot_read_gets_a_french_message(wh, name):
    data, filename = BAD_FILES[name]
    preview = import_forecasts(wh, ADMIN, data, filename)  # never raises
    assert not preview.ok
    messages = preview.messages()
    assert messages and all(french(m) for m in messages), messages


def test_a_utf16_csv_is_read_as_what_it_is(wh):
    """Excel's « Texte Unicode »: UTF-16 with its byte-order mark, tab-separated."""
    text = (HEADER + GOOD).replace(";", "\t")
    preview = import_forecasts(wh, ADMIN, text.encode("utf-16"), "previsionnel.csv")
    assert preview.problems == [] and [line.action for line in preview.lines] == ["new"]


def test_copying_the_year_9999_is_refused_in_french(wh):
    from models import Forecast

    Forecast(unit_code="303", category_code="ventes", period_start="01/01/9999", period_end="31/12/9999",
             amount="10", label="Très loin").save(wh, ADMIN)
    with pytest.raises(Invalid) as refused:
        preview_copy(wh, 9999, 10000)
    assert "Année cible" in " ".join(refused.value.errors.values())


def test_the_page_reads_the_file_in_a_thread_and_says_so_meanwhile(wh, monkeypatch):
    """The file widget's callback: « Analyse du fichier… » while a worker thread parses."""
    import dashboards.budget_entries as budget_entries

    seen = {}

    def slow_import(warehouse, who, data, filename):
        seen["thread"] = threading.current_thread() is not threading.main_thread()
        seen["message"] = importer.message.object
        return import_forecasts(warehouse, who, data, filename)

    monkeypatch.setattr(budget_entries, "import_forecasts", slow_import)

    class Entries:
        warehouse = wh

        @staticmethod
        def who():
            return ADMIN

    importer = budget_entries.ForecastImport(Entries())
    with param.discard_events(importer.file):
        importer.file.value, importer.file.filename = (HEADER + GOOD).encode(), "previsionnel.csv"
    # in a loop of its own, on a thread: after the browser tests Playwright's loop runs in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        preview = pool.submit(asyncio.run, importer._file_chosen()).result(timeout=60)
    assert seen == {"thread": True, "message": "Analyse du fichier…"}
    assert preview is not None and preview.ok and "Aperçu" in importer.message.object
