"""Realistic synthetic delivery points (customers, meters, readings, contracts) as plain rows.

Used for the demo data set (small, fixed seed) and by `tournee generate` for benchmarks (millions).
"""
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from .services.rules.iban import iban_for

LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
              "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
              "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
              "François", "Martinez", "Legrand"]
FIRST_NAMES = ["Marie", "Jean", "Pierre", "Sophie", "Nathalie", "Michel", "Isabelle", "Philippe", "Catherine",
               "Alain", "Sylvie", "Nicolas", "Christine", "Julien", "Camille", "Léa", "Hugo", "Chloé"]
FEMALE = {"Marie", "Sophie", "Nathalie", "Isabelle", "Catherine", "Sylvie", "Christine", "Camille", "Léa", "Chloé",
          "Afi", "Adjoa", "Sèna", "Fifamè", "Nafissatou"}
AFRICAN_LAST = ["Adjovi", "Hounkpatin", "Dossou", "Agbodjan", "Kpossou", "Sossou", "Ahouandjinou",
                "Gbaguidi", "Zinsou", "Akplogan", "Tossou", "Houngbo", "Amoussou", "Djossa"]
AFRICAN_FIRST = ["Koffi", "Afi", "Comlan", "Adjoa", "Sèna", "Rachidi", "Fifamè", "Codjo", "Mawulé", "Nafissatou"]
STREETS_FR = ["rue des Tilleuls", "avenue Jean Jaurès", "rue Victor Hugo", "allée des Pins", "rue de la Gare",
              "boulevard Pasteur", "rue du Moulin", "impasse des Lilas", "chemin des Vignes", "place de l'Église"]
STREETS_BJ = ["rue 1234 Haie Vive", "carré 567 Akpakpa", "von 12 Cadjèhoun", "rue des Cheminots",
              "boulevard de la Marina", "rue 310 Gbégamey", "carré 88 Zogbo"]


@dataclass
class CommuneSpec:
    id: int
    code: str
    utility: str          # water / electricity
    kind: str             # point kind generated there
    lat: float
    lon: float
    weight: int = 1
    name: str = ""      # shown in addresses instead of the code


@dataclass
class Rows:
    """Rows per table, ready for bulk inserts, with explicit ids so foreign keys need no round trip."""
    customers: list = field(default_factory=list)
    delivery_points: list = field(default_factory=list)
    point_contacts: list = field(default_factory=list)
    meters: list = field(default_factory=list)
    readings: list = field(default_factory=list)
    contracts: list = field(default_factory=list)

    def tables(self):
        return [("customers", self.customers), ("delivery_points", self.delivery_points),
                ("point_contacts", self.point_contacts), ("meters", self.meters),
                ("readings", self.readings), ("contracts", self.contracts)]


@dataclass
class IdStart:
    customer: int = 1
    point: int = 1
    contact: int = 1
    meter: int = 1
    reading: int = 1
    contract: int = 1


def _reading_mode(rng: random.Random, utility: str) -> str:
    roll = rng.random()
    if utility == "electricity":
        return "remote" if roll < 0.15 else "manual"
    return "manual" if roll < 0.5 else ("radio" if roll < 0.8 else "remote")


def _readings(rng, meter_id, mode, today, start_index, monthly_use, reading_id, months):
    """Monthly history over `months`; manual meters are sometimes unseen for over 12 months, remote
    ones sometimes have a gap in the warehouse (the recent months missing)."""
    rows, index = [], start_index
    unseen = mode == "manual" and rng.random() < 0.2
    gap = mode == "remote" and rng.random() < 0.25
    last_seen = None
    for back in range(months, -1, -1):
        day = today - timedelta(days=30 * back + rng.randint(0, 5))
        index += max(0, int(rng.gauss(monthly_use, monthly_use * 0.25)))
        if gap and back < 4:
            continue
        if mode == "remote":
            source = "remote"
        elif mode == "radio":
            source = "radio"
        elif back % 6 == 0 and not (unseen and back < 15):
            source = "agent"
        else:
            source = "customer" if back % 2 == 0 else "estimated"
            if mode == "manual" and back % 2 == 1:
                continue
        if source in ("agent", "radio"):
            last_seen = day
        rows.append({"id": reading_id + len(rows), "meter_id": meter_id, "read_on": day, "index": index,
                     "source": source, "billed": back >= 2})
    return rows, last_seen


def generate(rng: random.Random, communes: list[CommuneSpec], count: int, today: date, ids: IdStart,
             months: int = 13) -> Rows:
    """`count` delivery points spread over `communes` by weight, each with its customer, meter,
    readings and active contract."""
    rows = Rows()
    weights = [c.weight for c in communes]
    for n in range(count):
        commune = rng.choices(communes, weights)[0]
        water = commune.utility == "water"
        cid, pid, mid, kid = ids.customer + n, ids.point + n, ids.meter + n, ids.contract + n
        last = rng.choice(LAST_NAMES if water else AFRICAN_LAST)
        first = rng.choice(FIRST_NAMES if water else AFRICAN_FIRST)
        street = rng.choice(STREETS_FR if water else STREETS_BJ)
        address = f"{rng.randint(1, 180)} {street}"
        rows.customers.append({
            "id": cid, "ref": f"C{cid:08d}", "kind": "person", "status": "customer",
            # The draw is kept so the demo file's random sequence stays the same; the title follows the name.
            "title": rng.choice(["M.", "Mme"]) and ("Mme" if first in FEMALE else "M."), "last_name": last, "first_name": first,
            "email": f"{first.lower()}.{last.lower()}{cid}@example.org".replace("è", "e").replace("é", "e").replace("ï", "i"),
            "mobile": f"06{rng.randint(10000000, 99999999)}" if water else f"+229 9{rng.randint(1000000, 9999999)}",
            "postal_address": f"{address}, {commune.name or commune.code}"})
        kind = commune.kind
        if kind == "elec_bt" and rng.random() < 0.12:
            kind = "elec_mt"
        rented = rng.random() < 0.4
        rows.delivery_points.append({
            "id": pid, "ref": f"P{pid:08d}", "commune_id": commune.id, "address": address,
            "lat": round(commune.lat + rng.uniform(-0.03, 0.03), 6),
            "lon": round(commune.lon + rng.uniform(-0.03, 0.03), 6), "kind": kind,
            "individual_house": rng.random() < 0.55, "rented": rented, "state": "open",
            "access_notes": rng.choice([None, "Compteur dans le regard devant le portail",
                                        "Sonner chez la gardienne", "Chien dans la cour",
                                        "Compteur au sous-sol, clé chez le voisin"])})
        if rented:
            rows.point_contacts.append({
                "id": ids.contact + len(rows.point_contacts), "delivery_point_id": pid,
                "role": rng.choice(["owner", "agency", "landlord"]),
                "name": rng.choice(["Agence Immo Sud", "SCI Les Tilleuls", "Habitat Social 33",
                                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"]),
                "phone": f"05{rng.randint(10000000, 99999999)}", "email": None, "address": None})
        mode = _reading_mode(rng, commune.utility)
        dials = 5 if water else 6
        use = rng.randint(6, 18) if water else rng.randint(80, 400) * (10 if kind == "elec_mt" else 1)
        readings, last_seen = _readings(rng, mid, mode, today, rng.randint(100, 5000), use,
                                        ids.reading + len(rows.readings), months)
        rows.readings.extend(readings)
        rows.meters.append({
            "id": mid, "serial": f"{'W' if water else 'E'}{rng.randint(10, 26)}{mid:08d}",
            "delivery_point_id": pid, "dials": dials, "reading_mode": mode, "last_seen_on": last_seen,
            "leak_alert": mode == "remote" and rng.random() < 0.5,
            "consumption_alert": mode == "remote" and rng.random() < 0.3,
            "installed_on": today - timedelta(days=365 * rng.randint(2, 12))})
        start = today - timedelta(days=rng.randint(400, 3000))
        service = "electricity" if not water else ("sewage" if kind == "sewage" else "water")
        deposit = 0 if water else rng.choice([15000, 25000, 50000]) * (4 if kind == "elec_mt" else 1)
        rows.contracts.append({
            "id": kid, "number": f"{'AB' if water else 'EL'}{kid:08d}", "customer_id": cid,
            "delivery_point_id": pid, "service": service,
            "voltage": None if water else ("MT" if kind == "elec_mt" else "BT"),
            "start_on": start, "state": "active",
            "prepaid_until": date(today.year, 12, 31) if rng.random() < 0.25 else None,
            "direct_debit": rng.random() < 0.45,
            "iban": iban_for("FR", str(rng.randint(10**22, 10**23 - 1))) if water and rng.random() < 0.6 else None,
            "deposit_amount": deposit,
            "deposit_payer_name": f"{first} {last}" if deposit else None,
            "deposit_payer_identity": f"CNI{rng.randint(100000, 999999)}" if deposit else None,
            "billing_address": None})
    return rows
