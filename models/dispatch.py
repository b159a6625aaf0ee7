"""Répartition des recettes d'une soirée: its takings split into internal transfers to the pôles.

A dispatch is N lines « pôle + part », the parts given as percentages or as amounts. It is saved
as N `InternalTransfer` rows (event_id = the soirée, from_unit = the soirée's unit), all in ONE
transaction, each audited. It is refused, with a French message and nothing written, unless:

- the parts add up exactly to the soirée's takings (marts.soiree_results.takings), to the cent;
  in percentages they add up to exactly 100 %, each line's amount is takings × % rounded to the
  cent (half up) and the LAST line takes the rounding remainder, so the amounts add up exactly;
- every part is positive, every pôle known (a pôle of ref.units, or the soirée's own unit),
  no pôle twice.

A line for the soirée's own unit is the part it keeps: no transfer is written for it (a transfer
from a unit to itself means nothing). Re-dispatching a soirée replaces its previous dispatch:
the transfers of the soirée are deleted and the new ones written in the same transaction,
provided they are still the ones the form was opened with (else `Conflict`: two people
dispatching the same soirée, the second is told and nothing is overwritten).

Rights: those of `InternalTransfer` (models/permissions.py), on the unit the money comes from,
on the unit the soirée is booked on (marts.soiree_units) and on the units of the transfers
replaced; checked again for every transfer written or deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import param

from alambic import formatting
from models import permissions
from models.base import Saved, fetch_dicts
from models.errors import Conflict, Invalid, NotFound
from models.event_referent import soiree
from models.fields import Amount, Day, FieldError, Reference, is_empty
from models.transfer import InternalTransfer

MODES = {"Pourcentage": "percent", "Montant": "amount"}
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
_AMOUNT = Amount(bounds=(0, None), inclusive_bounds=(False, True))
_PERCENT = Amount(bounds=(0, 100), inclusive_bounds=(False, True))


@dataclass
class DispatchLine:
    """One line as typed: the pôle's code and its part (text, kept as typed)."""

    unit_code: str | None = None
    value: str | None = None

    @property
    def empty(self) -> bool:
        return is_empty(self.unit_code) and is_empty(self.value)


def percent_text(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",") + "\u00a0%"


class Dispatch(param.Parameterized):
    """The dispatch form of one soirée."""

    event_id = param.String(default="", doc="The TiBillet event identifier.")
    from_unit = Reference(ref="units", required=True, label="Unité de la soirée",
                          doc="L'unité qui a encaissé les recettes et les répartit.")
    mode = param.Selector(default="percent", objects=list(MODES.values()), doc="percent | amount")
    transfer_date = Day(required=True, label="Date des transferts")
    lines = param.List(default=[], item_type=DispatchLine)
    opened = param.Parameter(default=(), doc="(transfer_id, row_version) of the soirée's transfers when opened.")

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, warehouse, event_id: str) -> Dispatch:
        """The soirée's current dispatch (in amounts), remembered for the lost-update check."""
        with permissions.connection(warehouse, "ouverture : répartition d'une soirée") as con:
            current = soiree(con, event_id)
            if current is None:
                raise NotFound("Cette soirée n'existe pas dans TiBillet (ou elle a été annulée).")
            rows = cls._transfers(con, event_id)
        lines = [DispatchLine(r["to_unit"], shown(r["amount"])) for r in rows]
        if rows:
            kept = current["takings"] - sum((r["amount"] for r in rows), Decimal(0))
            from_unit = rows[0]["from_unit"]
            if kept > 0:
                lines.append(DispatchLine(from_unit, shown(kept)))
        else:
            from_unit = current["unit_code"]
        return cls(
            event_id=event_id, from_unit=from_unit, mode="amount" if rows else "percent",
            transfer_date=rows[0]["transfer_date"] if rows else current["soiree_day"],
            lines=lines, opened=cls._state(rows),
        )

    @staticmethod
    def _transfers(con, event_id: str) -> list[dict]:
        return fetch_dicts(con, "SELECT * FROM app.internal_transfers WHERE event_id = ? ORDER BY transfer_id",
                           [event_id])

    @staticmethod
    def _state(rows: list[dict]) -> tuple:
        return tuple((r["transfer_id"], r["row_version"]) for r in rows)

    # -- validation ----------------------------------------------------------------------------

    def plan(self, con) -> tuple[dict, list[tuple[str, Decimal]]]:
        """(the soirée, [(unit, amount)] adding up to its takings), or Invalid (nothing written)."""
        current = soiree(con, self.event_id)
        if current is None:
            raise NotFound("Cette soirée n'existe pas dans TiBillet (ou elle a été annulée).")
        errors: dict[str, str] = {}
        try:
            from_unit = self.param.from_unit.clean(self.from_unit)
        except FieldError as exc:
            from_unit, errors["from_unit"] = None, f"{self.param.from_unit.label} : {exc}"
        try:
            self.param.transfer_date.clean(self.transfer_date)
        except FieldError as exc:
            errors["transfer_date"] = f"{self.param.transfer_date.label} : {exc}"
        units = {r["unit_code"]: r for r in fetch_dicts(con, "SELECT unit_code, name, level FROM ref.units")}
        if from_unit is not None and from_unit not in units:
            errors["from_unit"] = f"{self.param.from_unit.label} : « {from_unit} » n'est pas une unité de l'organisation"
        takings = current["takings"]
        if takings is None or takings <= 0:
            errors["lines"] = (f"Cette soirée n'a pas de recettes à répartir (recettes nettes : "
                               f"{formatting.money(takings or Decimal(0))}).")
            raise Invalid(errors)
        percent = self.mode == "percent"
        parts: list[tuple[int, str, Decimal]] = []
        seen: dict[str, int] = {}
        for index, line in enumerate(self.lines):
            if line.empty:
                continue
            n = index + 1
            key = f"lines.{index}"
            code = None if is_empty(line.unit_code) else str(line.unit_code).strip()
            if code is None:
                errors[key] = f"Ligne {n} : choisissez un pôle"
                continue
            unit = units.get(code)
            if unit is None or (unit["level"] != "pole" and code != from_unit):
                errors[key] = f"Ligne {n} : « {code} » n'est pas un pôle de l'organisation"
                continue
            if code in seen:
                errors[key] = (f"Ligne {n} : le pôle {unit['name']} est déjà sur la ligne {seen[code]} ; "
                               "regroupez ses parts sur une seule ligne")
                continue
            seen[code] = n
            if is_empty(line.value):
                errors[key] = f"Ligne {n} : saisissez la part du pôle {unit['name']}"
                continue
            try:
                value = (_PERCENT if percent else _AMOUNT).convert(line.value)
            except FieldError as exc:
                text = str(exc)
                if percent and "au plus" in text:
                    text = "un pourcentage ne dépasse pas 100"
                elif percent and "supérieur à 0" in text:
                    text = "saisissez un pourcentage supérieur à 0"
                errors[key] = f"Ligne {n} ({unit['name']}) : {text}"
                continue
            parts.append((index, code, value))
        if not seen and not errors:
            errors["lines"] = "Ajoutez au moins une ligne : un pôle et sa part."
        if errors:
            raise Invalid(errors)
        total = sum((value for _, _, value in parts), Decimal(0))
        if percent:
            if total != HUNDRED:
                rest = HUNDRED - total
                errors["lines"] = (
                    f"Les pourcentages font {percent_text(total)} : ils doivent faire exactement 100 %. "
                    + (f"Reste à répartir : {percent_text(rest)}." if rest > 0
                       else f"Ils dépassent de {percent_text(-rest)}.")
                    + " Rien n'a été enregistré."
                )
                raise Invalid(errors)
            amounts = [(takings * value / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP) for _, _, value in parts]
            amounts[-1] = takings - sum(amounts[:-1], Decimal(0))  # the rounding remainder
        else:
            amounts = [value for _, _, value in parts]
            if total != takings:
                rest = takings - total
                errors["lines"] = (
                    f"Les parts font {formatting.money(total)} pour des recettes de {formatting.money(takings)} : "
                    + (f"reste à répartir {formatting.money(rest)}." if rest > 0
                       else f"elles dépassent de {formatting.money(-rest)}.")
                    + " Elles doivent faire exactement les recettes de la soirée. Rien n'a été enregistré."
                )
                raise Invalid(errors)
        for (index, code, _), amount in zip(parts, amounts):
            if amount <= 0:
                errors[f"lines.{index}"] = (f"Ligne {index + 1} ({units[code]['name']}) : cette part fait "
                                            f"{formatting.money(amount)} ; choisissez une part plus grande")
        if errors:
            raise Invalid(errors)
        return current, [(code, amount) for (_, code, _), amount in zip(parts, amounts)]

    def validate(self, warehouse) -> dict[str, str]:
        """Field → French message; empty when the dispatch can be saved. Nothing is changed."""
        with permissions.connection(warehouse, "vérification d'une répartition") as con:
            try:
                self.plan(con)
            except Invalid as exc:
                return exc.errors
        return {}

    # -- saving --------------------------------------------------------------------------------

    def save(self, warehouse, who) -> list[Saved]:
        """Replace the soirée's dispatch by this one: one transaction, audited; Invalid, Forbidden,
        Conflict or NotFound (French messages) and then nothing is written."""
        with warehouse.write("répartition des recettes d'une soirée") as con:
            saved = self.save_in(con, who)
        self.opened = tuple((s.id, s.row_version) for s in saved)
        return saved

    def save_in(self, con, who) -> list[Saved]:
        current, parts = self.plan(con)
        from_unit = self.param.from_unit.clean(self.from_unit)
        day = self.param.transfer_date.clean(self.transfer_date)
        existing = self._transfers(con, self.event_id)
        if self._state(existing) != tuple(tuple(x) for x in self.opened):
            last = con.execute(
                "SELECT who, changed_at FROM app.audit_log WHERE table_name = 'internal_transfers' "
                "AND row_id IN (SELECT unnest(?::BIGINT[])) ORDER BY audit_id DESC LIMIT 1",
                [[r["transfer_id"] for r in existing] or [t for t, _ in self.opened] or [-1]],
            ).fetchall()
            by = f" par {last[0][0]}" if last else ""
            raise Conflict(
                f"La répartition de cette soirée a été modifiée{by} après l'ouverture de votre formulaire. "
                "Rien n'a été enregistré ; votre saisie est conservée : rechargez la répartition pour voir "
                "la leur, puis enregistrez la vôtre à nouveau si besoin.",
                {"transfers": existing}, {"lines": [(u, a) for u, a in parts]},
            )
        # the unit the takings come from, the soirée's unit as known today (so that nobody dispatches
        # another unit's soirée from their own) and the units of the dispatch being replaced
        permissions.require(con, who, [from_unit, current["unit_code"], *(r["from_unit"] for r in existing)],
                            InternalTransfer.subject)
        for row in existing:
            InternalTransfer.from_row(con, row).delete_in(con, who)
        label = f"Répartition des recettes « {current['event_name']} » du {formatting.date(current['soiree_day'])}"
        saved = []
        for to_unit, amount in parts:
            if to_unit == from_unit:
                continue  # the part the soirée's unit keeps: no transfer
            transfer = InternalTransfer(from_unit=from_unit, to_unit=to_unit, transfer_date=day, amount=amount,
                                        reason=label, event_id=self.event_id)
            saved.append(transfer.save_in(con, who))
        return saved


def shown(value: Decimal) -> str:
    """An amount as the form's text box shows it: « 1234,50 »."""
    return format(value, "f").replace(".", ",")
