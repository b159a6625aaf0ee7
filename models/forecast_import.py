"""Import of forecasts from a spreadsheet (CSV or XLSX), in two steps.

`import_forecasts(warehouse, who, file)` reads the file and returns an `ImportPreview` — new
lines, changed amounts, lines in error with their French messages — writing nothing. The user
looks at it; `preview.apply(warehouse, who)` then writes exactly those lines in one transaction,
each through `Forecast.save_in` (same validation, rights, audit and version check as the form),
and writes nothing if any line is in error or if a line changed since the preview.

Columns (first row; accents and case ignored): unité, catégorie, début, fin, montant, libellé.
A unit may be given by its code or its name, a category by its code or its label. CSV files may
use `;` or `,`, amounts French decimals (« 1 234,56 »), dates « 31/01/2025 » or « 2025-01-31 ».
A line is the same line as a stored forecast when unit, category, period and label match; its
amount is then updated, otherwise a forecast is added.
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd

from models import permissions
from models.base import Saved, fetch_dicts
from models.errors import Conflict, Invalid
from models.forecast import Forecast, line_key

COLUMNS = {  # field → accepted headers, normalised (no accent, lower case, letters only)
    "unit_code": ("unite", "codeunite", "unit"),
    "category_code": ("categorie", "codecategorie", "category"),
    "period_start": ("debut", "datedebut", "start"),
    "period_end": ("fin", "datefin", "end"),
    "amount": ("montant", "amount"),
    "label": ("libelle", "label"),
}
OPTIONAL = {"label"}

# Bounds on what one import may make the server read (a forecast sheet has tens of lines, a few
# hundred at most): beyond them the file is refused, in French, before anything is parsed further.
MAX_FILE_BYTES = 2 * 1024 * 1024  # the file as sent
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024  # an XLSX's content once decompressed (no zip bomb)
MAX_ROWS = 2000  # lines of the sheet, header included
MAX_CELL_CHARS = 2000  # one CSV cell
MAX_COLUMNS = 100
EXPECTED = "unité, catégorie, début, fin, montant, libellé"
ACTIONS = {"new": "Nouvelle ligne", "changed": "Montant modifié", "unchanged": "Inchangée", "error": "Erreur"}


@dataclass
class ImportLine:
    """One spreadsheet line and what applying the import would do with it."""

    line: int  # as the spreadsheet numbers it (the header is line 1)
    action: str  # a key of ACTIONS
    forecast: Forecast  # the line as it would be saved (a changed line: the stored row, new amount)
    errors: dict[str, str] = field(default_factory=dict)
    previous_amount: Decimal | None = None


@dataclass
class ImportPreview:
    """What an import would change; `apply()` writes exactly this."""

    lines: list[ImportLine]
    problems: list[str] = field(default_factory=list)  # about the whole file (columns, format)

    def of(self, action: str) -> list[ImportLine]:
        return [line for line in self.lines if line.action == action]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.of("error")

    def messages(self) -> list[str]:
        """Every problem, one French sentence each, line numbers first."""
        return self.problems + [
            f"Ligne {line.line} — {message}" for line in self.of("error") for message in line.errors.values()
        ]

    @property
    def summary(self) -> str:
        counts = {action: len(self.of(action)) for action in ACTIONS}
        text = (
            f"{counts['new']} nouvelle(s) ligne(s), {counts['changed']} montant(s) modifié(s), "
            f"{counts['unchanged']} ligne(s) inchangée(s)"
        )
        if not self.ok:
            text += f", {counts['error']} ligne(s) en erreur : rien ne sera importé tant qu'elles ne sont pas corrigées"
        return text + "."

    def frame(self) -> pd.DataFrame:
        """The preview as a table for a page (French column names, input shown as typed)."""
        return pd.DataFrame(
            [
                {
                    "Ligne": line.line,
                    "Action": ACTIONS[line.action],
                    "Unité": line.forecast.unit_code,
                    "Catégorie": line.forecast.category_code,
                    "Début": line.forecast.period_start,
                    "Fin": line.forecast.period_end,
                    "Montant": line.forecast.amount,
                    "Ancien montant": line.previous_amount,
                    "Libellé": line.forecast.label,
                    "Erreurs": " ; ".join(line.errors.values()),
                }
                for line in self.lines
            ]
        )

    def apply(self, warehouse, who) -> list[Saved]:
        """Write the new lines and changed amounts of this preview, all or nothing."""
        if not self.ok:
            raise Invalid({f"ligne_{i}": message for i, message in enumerate(self.messages())})
        todo = [line for line in self.lines if line.action in ("new", "changed")]  # in the file's order
        saved = []
        with warehouse.write("import de prévisionnels") as con:
            present = {line_key(r): r for r in fetch_dicts(con, "SELECT * FROM app.forecasts")}
            for line in todo:
                values = line.forecast.check(None)[0]
                if line.action == "new" and line_key(values) in present:
                    raise Conflict(
                        f"Ligne {line.line} : ce prévisionnel a été saisi par quelqu'un d'autre depuis l'aperçu. "
                        "Rien n'a été importé : refaites l'aperçu.",
                        present[line_key(values)],
                        values,
                    )
                try:
                    saved.append(line.forecast.save_in(con, who))
                except Conflict as exc:
                    raise Conflict(f"Ligne {line.line} : {exc} Rien n'a été importé : refaites l'aperçu.", exc.theirs, exc.yours) from exc
        for line, result in zip(todo, saved):
            line.forecast.adopt(result)
        return saved


def import_forecasts(warehouse, who, file, filename: str | None = None) -> ImportPreview:
    """Read `file` (a path, bytes, or a binary file object; `filename` tells CSV from XLSX when
    the content is given) and say what importing it would change. Writes nothing."""
    try:
        rows = read_rows(file, filename)
    except ValueError as exc:  # every reading problem is a ValueError with a French message
        return ImportPreview([], [str(exc)])
    if not rows:
        return ImportPreview([], ["Le fichier ne contient aucune ligne."])
    header_line, header = rows[0]
    columns, problems = _columns(header)
    if problems:
        return ImportPreview([], problems)
    lines = []
    with warehouse.read("aperçu d'un import de prévisionnels") as con:
        units = _lookup(con, "SELECT unit_code, name FROM ref.units")
        categories = _lookup(con, "SELECT category_code, label FROM ref.categories")
        stored: dict[tuple, list[dict]] = {}
        for row in fetch_dicts(con, "SELECT * FROM app.forecasts"):
            stored.setdefault(line_key(row), []).append(row)
        editable = permissions.editable_units(con, who)
        seen: dict[tuple, int] = {}
        for number, cells in rows[1:]:
            raw = {name: cells[index] if index < len(cells) else None for name, index in columns.items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
                continue
            raw["unit_code"] = units.get(_text_key(raw["unit_code"]), raw["unit_code"])
            raw["category_code"] = categories.get(_text_key(raw["category_code"]), raw["category_code"])
            if raw.get("label") is None:
                raw["label"] = ""
            lines.append(_preview_line(con, number, raw, stored, editable, seen))
    return ImportPreview(lines)


def _preview_line(con, number: int, raw: dict, stored: dict, editable, seen: dict) -> ImportLine:
    forecast = Forecast(**raw)
    values, errors = forecast.check(con)
    unit = values["unit_code"]
    if unit is not None and "unit_code" not in errors and editable is not None and unit not in editable:
        errors["unit_code"] = (
            f"Unité : vous ne pouvez pas modifier les prévisionnels de l'unité {permissions.unit_name(con, unit)}"
        )
    if errors:
        return ImportLine(number, "error", forecast, errors)
    key = line_key(values)
    if key in seen:
        return ImportLine(
            number, "error", forecast,
            {"line": f"Ligne en double : même unité, catégorie, période et libellé que la ligne {seen[key]}"},
        )
    seen[key] = number
    matches = stored.get(key, [])
    if len(matches) > 1:
        return ImportLine(
            number, "error", forecast,
            {"line": "Plusieurs prévisionnels enregistrés correspondent à cette ligne : corrigez-les d'abord dans le formulaire"},
        )
    if not matches:
        return ImportLine(number, "new", forecast)
    current = matches[0]
    if current["amount"] == values["amount"]:
        return ImportLine(number, "unchanged", Forecast.from_row(con, current), previous_amount=current["amount"])
    changed = Forecast.from_row(con, current)
    changed.amount = values["amount"]
    return ImportLine(number, "changed", changed, previous_amount=current["amount"])


# -- reading the file ----------------------------------------------------------------------------


class FileRefused(ValueError):
    """The file cannot be imported; the message is French and says why."""


def read_rows(file, filename: str | None = None) -> list[tuple[int, list]]:
    """(line number, cells) of the first sheet / the CSV, empty lines before the header skipped.
    Raises FileRefused (a ValueError) with a French message for any file it cannot read."""
    if isinstance(file, (str, os.PathLike)):
        filename = filename or str(file)
        if Path(file).stat().st_size > MAX_FILE_BYTES:
            raise _too_big()
        data = Path(file).read_bytes()
    elif isinstance(file, (bytes, bytearray)):
        data = bytes(file)
    else:
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _too_big()
    is_xlsx = data[:4] == b"PK\x03\x04" or (filename or "").lower().endswith((".xlsx", ".xlsm"))
    rows = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    while rows and all(c is None or (isinstance(c, str) and not c.strip()) for c in rows[0][1]):
        rows.pop(0)
    return rows


def _too_big() -> FileRefused:
    return FileRefused(f"Ce fichier est trop gros pour un import de prévisionnels (plus de "
                       f"{MAX_FILE_BYTES // (1024 * 1024)} Mo) : découpez-le en plusieurs fichiers.")


def _too_many_rows() -> FileRefused:
    return FileRefused(f"Ce fichier a plus de {MAX_ROWS} lignes : un import en accepte {MAX_ROWS} au plus, "
                       "découpez-le en plusieurs fichiers.")


def _xlsx_rows(data: bytes) -> list[tuple[int, list]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileRefused("Ce fichier XLSX ne peut pas être lu : il est endommagé ou n'est pas un classeur Excel.") from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise _too_big()
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileRefused("Ce fichier XLSX ne peut pas être lu : il est endommagé ou n'est pas un "
                          "classeur Excel.") from exc
    try:
        if not book.worksheets:
            raise FileRefused("Ce classeur ne contient aucune feuille.")
        sheet = book.worksheets[0]
        rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise _too_many_rows()
            rows.append((number, list(cells[:MAX_COLUMNS])))
        return rows
    except FileRefused:
        raise
    except Exception as exc:  # a damaged sheet, found while reading it
        raise FileRefused("Ce fichier XLSX ne peut pas être lu : il est endommagé.") from exc
    finally:
        book.close()


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # « Texte Unicode » of Excel: UTF-16 with its mark
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        for encoding in ("utf-8-sig", "cp1252"):  # Excel in French saves CSV as Windows-1252
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    if b"\x00" in data:
        raise FileRefused("Ce fichier contient des octets nuls : ce n'est pas un fichier CSV texte. "
                          "Enregistrez-le depuis le tableur en « CSV UTF-8 » ou en XLSX.")
    raise FileRefused("Ce fichier n'est pas un texte lisible (ni UTF-8, ni Windows-1252, ni UTF-16) : "
                      "enregistrez-le depuis le tableur en « CSV UTF-8 » ou en XLSX.")


def _csv_rows(data: bytes) -> list[tuple[int, list]]:
    text = _decode(data)
    if "\x00" in text:
        raise FileRefused("Ce fichier contient des caractères nuls : ce n'est pas un fichier CSV texte. "
                          "Enregistrez-le depuis le tableur en « CSV UTF-8 » ou en XLSX.")
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ";")) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for number, cells in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise _too_many_rows()
            if any(len(cell) > MAX_CELL_CHARS for cell in cells):
                raise FileRefused(f"Ligne {number} : une cellule a plus de {MAX_CELL_CHARS} caractères ; "
                                  "ce n'est pas une ligne de prévisionnel.")
            rows.append((number, cells[:MAX_COLUMNS]))
    except csv.Error as exc:
        raise FileRefused(f"Ligne {reader.line_num} : ce fichier CSV est mal formé ou une cellule est trop "
                          "longue.") from exc
    return rows


def _normalise(header) -> str:
    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode()
    return "".join(c for c in text.lower() if c.isalnum())


def _columns(header: list) -> tuple[dict[str, int], list[str]]:
    found = {}
    for index, cell in enumerate(header):
        name = _normalise(cell)
        for field_name, aliases in COLUMNS.items():
            if name in aliases and field_name not in found:
                found[field_name] = index
    labels = dict(zip(COLUMNS, EXPECTED.split(", ")))
    missing = [labels[f] for f in COLUMNS if f not in found and f not in OPTIONAL]
    if missing:
        return found, [f"Colonne(s) manquante(s) : {', '.join(missing)} (colonnes attendues : {EXPECTED})."]
    return found, []


def _text_key(value) -> str | None:
    return str(value).strip().lower() if isinstance(value, str) else None


def _lookup(con, sql: str) -> dict[str, str]:
    """name or code (lower case) → code, so a spreadsheet may say « Potager » or « 303 »."""
    rows = con.execute(sql).fetchall()
    names = {str(name).strip().lower(): code for code, name in rows}
    return {**names, **{str(code).lower(): code for code, _ in rows}}
