"""Volunteering as Oceco holds it (Meteor DDP documents, docs/sources/oceco.md §1.3, §2.4, §3).

One organisation, one project per pôle (first tag = the pôle's name), the soirées and weekly
chantiers as events, actions whose integer `credits` are hours, each contributor's state in
`finishedBy` (toModerate / validated / novalidated), citizens' balances in
`userWallet.{orgId}.userCredits` and the credit ledger `loguseractions`. About 3 000 validated
hours a year at scale 1. Top-level ids are 24-hex strings, dates `{"$date": ms}`, Communecter's
`created`/`updated` Unix seconds, ledger `createdAt` an ISO string in +04:00.

Membership `roles` (links.memberOf.{orgId}.roles, Communecter's free labels) carry the badges the
directory shows. One volunteer has a second, older Oceco account under the same e-mail: the
directory must not merge the two on its own (marts.people_conflicts).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sandbox._common import REUNION, ascii_slug, epoch_ms, local_dt, object_id, random_day, years
from sandbox._tibillet import Soiree
from sandbox._tree import by_level, pole_of

SOIREE_TASKS = [
    "Installation de la scène",
    "Tenir le bar",
    "Accueil et billetterie",
    "Cuisine",
    "Rangement et ménage",
    "Sécurité et parking",
]
CHANTIERS = [
    ("601", "Chantier participatif du mercredi"),
    ("303", "Matinée jardin partagé"),
    ("401", "Repair café du samedi"),
    ("301", "Plantation à la micro-forêt"),
]
ROUTINE = {  # pôle → recurring project actions
    "303": ["Arrosage du potager", "Désherbage des planches", "Récolte et tri"],
    "302": ["Nourrir les poissons", "Contrôle de l'eau des bassins"],
    "304": ["Ensemencement des ballots", "Récolte des pleurotes"],
    "401": ["Tri des dons", "Inventaire de la recyclerie"],
    "101": ["Entretien des conteneurs", "Rangement de l'atelier"],
    "102": ["Compte rendu du cercle", "Accueil des découvreur·euses"],
    "202": ["Préparation des repas partagés"],
    "501": ["Programmation du mois", "Communication des soirées"],
}
SPENDS = [("Repas partagé des volontaires", -1), ("Place pour un concert", -2)]
HOURS_A_YEAR = (2_700, 3_300)


def build_oceco(
    rng: random.Random, people: list[dict], units: list[dict], soirees: list[Soiree], today: date, scale: float
) -> dict[str, list[dict]]:
    return _Oceco(rng, people, units, today).build(soirees, scale)


def _badges(person: dict) -> list[str]:
    """The roles an admin gave the member in Oceco, shown as badges (docs/domaine.md §1.3)."""
    badges = {"raffineur": ["Raffineur·euse"], "decouvreur": ["Parcours découverte"]}.get(person["kind"], [])
    return badges + (["Bienveillant·e"] if person.get("bienveillant") else [])


def _date(moment: datetime) -> dict:
    return {"$date": epoch_ms(moment)}


class _Oceco:
    def __init__(self, rng: random.Random, people: list[dict], units: list[dict], today: date) -> None:
        self.rng, self.units, self.today = rng, units, today
        self.now = local_dt(today, 12)
        founded = local_dt(date(2019, 6, 1), 10)
        self.org_id = object_id(rng, founded)
        members = [p for p in people if p["kind"] != "adherent" or rng.random() < 0.5]
        self.citizens = [self._citizen(p) for p in members]
        self.volunteers = [
            c for c, p in zip(self.citizens, members) if p["kind"] in ("volontaire", "raffineur", "decouvreur")
        ]
        self.admins = [c for c in self.citizens if c["_admin"]] or self.citizens
        self.projects = {pole["code"]: self._project(pole) for pole in by_level(units, "pole")}
        self.org = self._organization(founded)
        self.events: list[dict] = []
        self.actions: list[dict] = []
        self.ledger: list[dict] = []
        self.rooms: dict[str, str] = {}
        self.hours: dict[int, int] = {}  # validated hours per year

    # -- documents -----------------------------------------------------------------------------

    def _citizen(self, person: dict) -> dict:
        created = local_dt(person["joined_on"], 20)
        return {
            "_id": object_id(self.rng, created),
            "name": person["name"],
            "username": ascii_slug(person["name"], ""),
            "email": person["email"],
            "slug": ascii_slug(person["name"], ""),
            "links": {"memberOf": {}},
            "userWallet": {},
            "created": int(created.timestamp()),
            "_admin": person["kind"] == "raffineur",
            "_roles": _badges(person),
        }

    def _project(self, pole: dict) -> dict:
        created = local_dt(date(2019, 9, 1), 10)
        groupe = next(u["name"] for u in self.units if u["code"] == pole["parent"])
        return {
            "_id": object_id(self.rng, created),
            "name": pole["name"],
            "slug": ascii_slug(pole["name"], ""),
            "tags": [pole["name"], groupe],
            "parent": {},
            "preferences": {"private": False},
            "links": {"contributors": {}, "events": {}},
            "created": int(created.timestamp()),
        }

    def _organization(self, founded: datetime) -> dict:
        return {
            "_id": self.org_id,
            "name": "La Raffinerie",
            "slug": "laRaffinerie",
            "type": "NGO",
            "email": "contact@exemple.re",
            "shortDescription": "Tiers-lieu des communs à L'Ermitage-les-Bains",
            "tags": ["tiers-lieu", "culture", "jardin", "réemploi"],
            "preferences": {"isOpenData": True, "isOpenEdition": False, "private": False},
            "links": {
                "members": {},
                "projects": {p["_id"]: {"type": "projects"} for p in self.projects.values()},
                "events": {},
            },
            "oceco": {
                "pole": True,
                "organizationAction": True,
                "projectAction": True,
                "eventAction": True,
                "spendView": True,
                "spendNegative": False,
                "memberAuto": True,
                "agenda": True,
                "account": {"textVotreCreditTemps": "Votre crédit temps", "textUnite": "h"},
            },
            "created": int(founded.timestamp()),
            "updated": int(self.now.timestamp()),
        }

    def _event(self, pole: str, name: str, kind: str, start: datetime, hours: int) -> dict:
        project = self.projects[pole]
        created = min(start - timedelta(days=20), self.now)
        event = {
            "_id": object_id(self.rng, created),
            "name": name,
            "type": kind,
            "startDate": _date(start),
            "endDate": _date(start + timedelta(hours=hours)),
            "allDay": False,
            "timeZone": "Indian/Reunion",
            "organizer": {project["_id"]: {"type": "projects"}},
            "organizerId": project["_id"],
            "organizerType": "projects",
            "links": {"attendees": {}},
            "shortDescription": name,
            "tags": [project["name"]],
            "created": int(created.timestamp()),
        }
        project["links"]["events"][event["_id"]] = {"type": "events"}
        self.org["links"]["events"][event["_id"]] = {"type": "events"}
        self.events.append(event)
        return event

    def _action(
        self,
        parent_type: str,
        parent_id: str,
        name: str,
        tag: str,
        credits: int,
        start: datetime,
        hours: int,
        slots: int,
    ) -> dict:
        rng = self.rng
        created = min(start - timedelta(days=rng.randint(3, 15)), self.now)
        author = rng.choice(self.admins)
        room = self.rooms.setdefault(parent_id, object_id(rng, created))
        action = {
            "_id": object_id(rng, created),
            "name": name,
            "tags": [tag],
            "credits": credits,
            "min": 1,
            "max": slots,
            "startDate": _date(start),
            "endDate": _date(start + timedelta(hours=hours)),
            "status": "todo",
            "parentType": parent_type,
            "parentId": parent_id,
            "idParentRoom": room,
            "idUserAuthor": author["_id"],
            "creator": author["_id"],
            "created": int(created.timestamp()),
            "key": "action",
            "collection": "actions",
            "options": {
                "creditAddPorteur": False,
                "creditSharePorteur": False,
                "possibleStartActionBeforeStartDate": False,
            },
            "links": {"contributors": {}},
            "finishedBy": {},
        }
        self.actions.append(action)
        return action

    # -- participation -------------------------------------------------------------------------

    def _participate(self, action: dict, end: datetime) -> int:
        """Contributors join; past actions get moderated. Returns the hours validated."""
        rng = self.rng
        joined = rng.sample(self.volunteers, min(len(self.volunteers), rng.randint(1, action["max"])))
        validated = 0
        for citizen in joined:
            action["links"]["contributors"][citizen["_id"]] = {"type": "citoyens"}
            if end > self.now:
                continue
            recent = (self.now - end).days < 45
            state = rng.choices(
                ["validated", "novalidated", "toModerate"], [0.55, 0.05, 0.4] if recent else [0.93, 0.05, 0.02]
            )[0]
            action["finishedBy"][citizen["_id"]] = state
            if state == "validated":
                validated += action["credits"]
                self.hours[end.year] = self.hours.get(end.year, 0) + action["credits"]
                self._credit(citizen, action["credits"], end + timedelta(days=rng.randint(1, 10)), action["_id"])
        states = action["finishedBy"].values()
        if end <= self.now and states and len(states) == len(joined) and "toModerate" not in states:
            action["status"] = "done"
        return validated

    def _credit(
        self,
        citizen: dict,
        credits: int,
        when: datetime,
        action_id: str | None,
        comment: str | None = None,
        logged: bool = True,
    ) -> None:
        when = min(when, self.now)
        wallet = citizen["userWallet"].setdefault(self.org_id, {"userCredits": 0})
        wallet["userCredits"] += credits
        if logged:
            entry = {
                "_id": object_id(self.rng, when),
                "userId": citizen["_id"],
                "organizationId": self.org_id,
                "credits": credits,
                "createdAt": when.astimezone(REUNION).isoformat(timespec="seconds"),
            }
            if action_id:
                entry["actionId"] = action_id
            if comment:
                entry["commentaire"] = comment
            self.ledger.append(entry)

    # -- the years -----------------------------------------------------------------------------

    def build(self, soirees: list[Soiree], scale: float) -> dict[str, list[dict]]:
        rng = self.rng
        for s in soirees:
            pole = pole_of(self.units, s.unit)
            event = self._event(pole, s.name, "concert", s.start, 5)
            for task in rng.sample(SOIREE_TASKS, rng.randint(3, 5)):
                action = self._action(
                    "events",
                    event["_id"],
                    task,
                    self.projects[pole]["name"],
                    rng.randint(2, 5),
                    s.start - timedelta(hours=1),
                    5,
                    rng.randint(2, 4),
                )
                self._participate(action, s.start + timedelta(hours=5))
        for year in years(self.today):
            self._chantiers(year, scale)
            target = rng.uniform(*HOURS_A_YEAR) * scale * self._elapsed(year)
            planned = 0
            while self.hours.get(year, 0) + planned < target:
                planned += self._routine(year)
            self._spends_and_adjustments(year, scale)
        self.actions.sort(key=lambda a: a["created"])
        return self._documents()

    def _elapsed(self, year: int) -> float:
        return min(1.0, ((self.today - date(year, 1, 1)).days + 1) / 365)

    def _chantiers(self, year: int, scale: float) -> None:
        rng = self.rng
        for _ in range(round(rng.uniform(40, 50) * scale)):
            pole, name = rng.choice(CHANTIERS)
            start = local_dt(random_day(rng, date(year, 1, 5), date(year, 12, 20)), 8)
            event = self._event(pole, name, "workshop", start, 4)
            for task in ("Préparer le matériel", "Chantier", "Repas partagé"):
                action = self._action(
                    "events",
                    event["_id"],
                    task,
                    self.projects[pole]["name"],
                    rng.randint(1, 4),
                    start,
                    4,
                    rng.randint(2, 5),
                )
                self._participate(action, start + timedelta(hours=4))

    def _routine(self, year: int) -> int:
        """One recurring project action; returns 1 when it brought no validated hour (planned, refused…)."""
        rng = self.rng
        pole = rng.choice(list(ROUTINE))
        project = self.projects[pole]
        start = local_dt(random_day(rng, date(year, 1, 2), date(year, 12, 28)), rng.choice([7, 8, 14, 16]))
        action = self._action(
            "projects",
            project["_id"],
            rng.choice(ROUTINE[pole]),
            project["name"],
            rng.randint(1, 3),
            start,
            3,
            rng.randint(1, 3),
        )
        if start > self.now:
            return 1  # planned: nobody has done it yet
        return 0 if self._participate(action, start + timedelta(hours=3)) else 1

    def _spends_and_adjustments(self, year: int, scale: float) -> None:
        """Spending actions debit at once (no ledger row unless spendNegative); admins adjust a few balances."""
        rng = self.rng
        for _ in range(round(rng.uniform(8, 14) * scale)):
            name, credits = rng.choice(SPENDS)
            start = local_dt(random_day(rng, date(year, 1, 5), date(year, 12, 20)), 12)
            if start > self.now:
                continue
            action = self._action("organizations", self.org_id, name, "dépense", credits, start, 2, 10)
            for citizen in rng.sample(self.volunteers, min(len(self.volunteers), rng.randint(1, 4))):
                action["links"]["contributors"][citizen["_id"]] = {"type": "citoyens"}
                action["finishedBy"][citizen["_id"]] = "validated"
                self._credit(citizen, credits, start, action["_id"], logged=False)
            action["status"] = "done"
        for _ in range(round(rng.uniform(3, 6) * scale)):
            when = local_dt(random_day(rng, date(year, 1, 5), date(year, 12, 20)), 18)
            if when <= self.now:
                self._credit(
                    rng.choice(self.volunteers),
                    rng.randint(1, 5),
                    when,
                    None,
                    "Ajustement : heures de réunion non saisies",
                )

    def _second_account(self) -> None:
        """An older, forgotten account of the first volunteer, under the same e-mail (no credits)."""
        first = next((c for c in self.citizens if c in self.volunteers and not c["links"]["memberOf"][self.org_id]
                      .get("isAdmin")), None)
        if first is None:
            return
        created = datetime.fromtimestamp(first["created"], REUNION) - timedelta(days=400)
        twin = {
            "_id": object_id(self.rng, created),
            "name": first["name"],
            "username": first["username"] + "2",
            "email": first["email"],
            "slug": first["slug"] + "2",
            "links": {"memberOf": {self.org_id: {"type": "organizations"}}},
            "userWallet": {self.org_id: {"userCredits": 0}},
            "created": int(created.timestamp()),
        }
        self.citizens.append(twin)
        self.org["links"]["members"][twin["_id"]] = {"type": "citoyens"}

    def _documents(self) -> dict[str, list[dict]]:
        counts = {"todo": 0, "done": 0, "disabled": 0}
        for action in self.actions:
            counts[action["status"]] += 1
        self.org["actionsCount"] = counts
        for citizen in self.citizens:
            admin, roles = citizen.pop("_admin"), citizen.pop("_roles")
            citizen["links"]["memberOf"][self.org_id] = {
                "type": "organizations",
                **({"isAdmin": True} if admin else {}),
                **({"roles": roles} if roles else {}),
            }
            citizen["userWallet"].setdefault(self.org_id, {"userCredits": 0})
            self.org["links"]["members"][citizen["_id"]] = {"type": "citoyens", **({"isAdmin": True} if admin else {})}
        for project in self.projects.values():
            project["parent"] = {self.org_id: {"type": "organizations"}}
            for citizen in self.rng.sample(self.volunteers, min(3, len(self.volunteers))):
                project["links"]["contributors"][citizen["_id"]] = {"type": "citoyens"}
        self._second_account()
        return {
            "organizations": [self.org],
            "projects": list(self.projects.values()),
            "events": self.events,
            "actions": self.actions,
            "citoyens": self.citizens,
            "loguseractions": self.ledger,
        }
