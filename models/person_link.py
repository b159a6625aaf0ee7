"""Correspondance de personnes: an admin's decision about a record the sources cannot tie safely.

People are matched across Odoo, TiBillet and Oceco by e-mail (marts.people_links). When that is not
safe — an Oceco citizen without e-mail, two citizens or two partners sharing one e-mail — the record
shows in marts.people_conflicts and nothing is guessed. An admin settles it here, once:

- « même personne » (decision 'link'): the record is the person whose e-mail is `person_email`;
- « personne distincte » (decision 'distinct'): the record is a person of its own.

Only admins decide (checked on the server, whatever the page shows); every decision is audited by
`Record`, and the marts apply it at the next build.
"""

from __future__ import annotations

import datetime as dt

from models.base import Record, Saved, fetch_dicts
from models.errors import Forbidden
from models.fields import Choice, Email, Text
from models.permissions import ADMIN

SOURCES = {"Oceco": "oceco", "Odoo": "odoo", "TiBillet": "tibillet"}
DECISIONS = {"Même personne que l'e-mail indiqué": "link", "Personne distincte": "distinct"}


class PersonLink(Record):
    """How one source record (an Oceco citizen, an Odoo partner) ties to a person."""

    table = "person_links"
    key = "link_id"
    noun = "cette correspondance"
    subject = "les correspondances de personnes"

    source = Choice(objects=SOURCES, required=True, label="Source")
    source_id = Text(required=True, label="Identifiant dans la source",
                     doc="L'identifiant du citoyen Oceco ou du partenaire Odoo.")
    decision = Choice(objects=DECISIONS, default="link", required=True, label="Décision")
    person_email = Email(label="E-mail de la personne",
                         doc="Pour « même personne » : l'e-mail sous lequel Alambic connaît cette personne.")
    comment = Text(label="Commentaire", doc="Pourquoi cette décision (facultatif).")

    def rules(self, values: dict) -> dict[str, str]:
        label = self.param.person_email.label
        if values.get("decision") == "link" and values.get("person_email") is None:
            return {"person_email": f"{label} : indiquez l'e-mail de la personne à qui rattacher cette fiche"}
        if values.get("decision") == "distinct" and values.get("person_email") is not None:
            return {"person_email": f"{label} : laissez ce champ vide pour une personne distincte"}
        return {}

    def check(self, con):
        values, errors = super().check(con)
        if con is not None and values.get("source") and values.get("source_id"):
            taken = fetch_dicts(
                con,
                f"SELECT {self.key}, decided_by FROM app.{self.table} WHERE source = ? AND source_id = ?",
                [values["source"], values["source_id"]],
            )
            if taken and taken[0][self.key] != self.id and "source_id" not in errors:
                errors["source_id"] = (f"{self.param.source_id.label} : cette fiche a déjà été tranchée par "
                                       f"{taken[0]['decided_by']} ; rechargez la page")
        return values, errors

    def authorise(self, con, who, before, after) -> None:
        if not getattr(who, "login", None):
            raise Forbidden("Connectez-vous pour enregistrer une modification.")
        if getattr(who, "role", None) != ADMIN:
            raise Forbidden("Seul·es les administrateur·rices peuvent trancher une correspondance de personnes. "
                            "Rien n'a été enregistré.")

    def save_in(self, con, who, *, authorise: bool = True, extra: dict | None = None) -> Saved:
        stamp = {"decided_by": getattr(who, "login", None) or "", "decided_at": dt.datetime.now(dt.UTC)}
        return super().save_in(con, who, authorise=authorise, extra={**stamp, **(extra or {})})
