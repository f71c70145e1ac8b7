"""The kinds of import file: their columns (French headers, documented in fixtures/import/README.md), the
key that matches a row to what is stored (the utility's own reference), how references to other objects
are resolved batch by batch, and the checks across rows and against the database."""
from bisect import bisect_left
from datetime import date
from decimal import Decimal

from sqlalchemy import ARRAY, Text, any_, bindparam, func, select

from ...extensions import db
from ...models import Commune, Contract, Customer, DeliveryPoint, Meter, PointContact, Reading, Tariff
from . import cells
from .cells import Column

CUSTOMER_KINDS = {"particulier": "person", "personne": "person", "person": "person",
                  "organisation": "organisation", "entreprise": "organisation", "societe": "organisation",
                  "professionnel": "organisation", "collectivite": "organisation"}
CUSTOMER_STATUSES = {"client": "customer", "customer": "customer", "prospect": "prospect"}
POINT_KINDS = {"eau": "water", "water": "water", "assainissement": "sewage", "sewage": "sewage",
               "bt": "elec_bt", "elec_bt": "elec_bt", "electricite_bt": "elec_bt",
               "mt": "elec_mt", "elec_mt": "elec_mt", "electricite_mt": "elec_mt"}
POINT_STATES = {"ouvert": "open", "open": "open", "ferme": "closed", "closed": "closed",
                "depose": "removed", "removed": "removed"}
READING_MODES = {"manuel": "manual", "manual": "manual", "radio": "radio", "radioreleve": "radio",
                 "telereleve": "remote", "remote": "remote", "teleleve": "remote"}
READING_SOURCES = {"client": "customer", "customer": "customer", "agent": "agent", "releveur": "agent",
                   "radio": "radio", "telereleve": "remote", "remote": "remote", "estime": "estimated",
                   "estimation": "estimated", "estimated": "estimated"}
SERVICES = {"eau": "water", "water": "water", "assainissement": "sewage", "sewage": "sewage",
            "electricite": "electricity", "electricity": "electricity"}
CONTRACT_STATES = {"actif": "active", "active": "active", "en_resiliation": "terminating",
                   "terminating": "terminating", "resilie": "terminated", "terminated": "terminated"}
VOLTAGES = {"bt": "BT", "mt": "MT"}
UTILITIES = {"eau": "water", "water": "water", "electricite": "electricity", "electricity": "electricity"}
SERVICE_OF_POINT = {"water": "water", "sewage": "sewage", "elec_bt": "electricity", "elec_mt": "electricity"}
SERVICE_LABELS = {"water": "eau", "sewage": "assainissement", "electricity": "électricité"}
ROLLOVER_SHARE = 0.1  # an index lower than the last one counts as a rollover only near both ends of the dials


class Row:
    """One data line: its parsed values (stored field → value), its key and its problems."""
    __slots__ = ("line", "values", "key", "problems")

    def __init__(self, line: int):
        self.line, self.values, self.key, self.problems = line, {}, None, []

    def refuse(self, column: str, reason: str) -> None:
        self.problems.append((column, reason))


def member_of(column, values: list):
    """`column IN values` for a batch: one parameter on PostgreSQL (thousands of separate parameters cost
    more to send than the query itself), an expanding IN elsewhere. References (no spaces inside, the cell
    parser refuses them) go as one text split by the server: cheaper to send than an array of strings."""
    if db.session.get_bind().dialect.name != "postgresql":
        return column.in_(values)
    values = list(values)
    if values and all(type(value) is str for value in values):
        joined = " ".join(values)
        if len(joined.split()) == len(values):
            return column == any_(func.string_to_array(bindparam(None, joined, type_=Text), " "))
    return column == any_(bindparam(None, values, type_=ARRAY(column.type)))


def _lookup(model_column, id_column, keys, *extra):
    """{reference: (id, *extra)} for these references, one query."""
    keys = list({k for k in keys if k is not None})
    if not keys:
        return {}
    statement = select(model_column, id_column, *extra).where(member_of(model_column, keys))
    return {found[0]: tuple(found[1:]) for found in db.session.execute(statement)}


def _resolve_points(rows: list[Row]) -> list[Row]:
    """The "point" reference of each row turned into `delivery_point_id`, unknown ones refused; the rows
    resolved."""
    points = _lookup(DeliveryPoint.ref, DeliveryPoint.id, [row.values["point"] for row in rows])
    resolved = []
    for row in rows:
        ref = row.values.pop("point")
        if ref not in points:
            row.refuse("point", f"point de livraison inconnu « {ref} » (importez d'abord les points)")
            continue
        row.values["delivery_point_id"] = points[ref][0]
        resolved.append(row)
    return resolved


class Kind:
    """What every kind shares; subclasses name their table, key and columns."""
    name = ""
    label = ""
    table = None
    key_field = ""
    key_fields: tuple[str, ...] = ()  # a key of several columns, matched once resolve() turned them into ids
    key_column = ""  # the column a duplicate key is reported on, when it is not the key field's
    unique_key = False  # the table refuses two rows with the same key (a unique constraint)
    columns: list[Column] = []

    def __init__(self, today: date):
        self.today = today
        self._defaults = None
        self.fresh = False

    def start(self) -> None:
        """Before the first batch: a table with a unique key that holds no row yet (a first load) will hold
        only this run's rows, each key once (duplicates are refused while parsing), so no batch needs to
        look its keys up. A concurrent writer of the same key would break the unique constraint and the
        whole file would roll back, never be duplicated."""
        self.fresh = self.unique_key and db.session.execute(select(self.table.c.id).limit(1)).first() is None

    @property
    def key_label(self) -> str:
        return self.key_column or next(c.label for c in self.columns if c.field == self.key_field)

    def key_of(self, values: dict):
        if self.key_fields:
            return tuple(values[name] for name in self.key_fields)
        return values[self.key_field]

    def key_text(self, key) -> str:
        return str(key)

    def resolve(self, rows: list[Row]) -> None:
        """Turn references to other objects into ids, refusing the unknown ones."""

    def existing(self, rows: list[Row]) -> dict:
        keys = [row.key for row in rows]
        if not keys or self.fresh:
            return {}
        column = self.table.c[self.key_field]
        found = db.session.execute(select(self.table).where(member_of(column, keys))).mappings()
        return {row[self.key_field]: dict(row) for row in found}

    def check(self, row: Row, before: dict | None) -> None:
        """Checks against the stored row (None when new) and the rows accepted so far."""

    def accepted(self, row: Row, before: dict | None) -> None:
        """Remember an accepted row for the checks of the following ones."""

    def new_row(self, values: dict) -> dict:
        if self._defaults is None:
            self._defaults = {c.field: c.default for c in self.columns if c.field in self.table.c}
        return {**self._defaults, **values}


class Communes(Kind):
    name, label, table, key_field = "communes", "Communes", Commune.__table__, "code"
    unique_key = True
    columns = [
        Column("code", ("code", "code_commune", "code_insee"), cells.code(10), required=True),
        Column("name", ("nom", "commune", "nom_commune", "libelle"), cells.text(120), required=True),
        Column("utility", ("metier", "activite", "distributeur"), cells.choice(UTILITIES, "métier", "eau, électricité")),
        Column("runs_water", ("eau", "service_eau"), cells.yes_no, default=False),
        Column("runs_sewage", ("assainissement", "service_assainissement"), cells.yes_no, default=False),
        Column("runs_electricity", ("electricite", "service_electricite"), cells.yes_no, default=False),
        Column("travel_fee_allowed", ("frais_deplacement", "frais_de_deplacement"), cells.yes_no, default=False),
        Column("travel_fee_amount", ("montant_frais_deplacement", "montant_deplacement"), cells.amount, default=0),
        Column("water_manager", ("gestionnaire_eau", "gestionnaire_de_l_eau"), cells.text(200)),
        Column("currency", ("devise", "monnaie"), cells.currency, default="EUR"),
    ]

    def check(self, row, before):
        merged = {**(before or Kind.new_row(self, {})), **row.values}
        if not (merged["runs_water"] or merged["runs_sewage"] or merged["runs_electricity"]):
            row.refuse("eau", "aucun service (eau, assainissement, électricité) n'est assuré dans cette commune")
        if merged["travel_fee_allowed"] and not merged["travel_fee_amount"]:
            row.refuse("montant_frais_deplacement", "frais de déplacement autorisés sans montant")
        if merged["runs_sewage"] and not merged["runs_water"] and not merged["runs_electricity"] \
                and not merged["water_manager"]:
            row.refuse("gestionnaire_eau", "commune en assainissement seul : indiquez le gestionnaire de l'eau (W1)")
        if merged.get("utility") == "water" and merged["runs_electricity"]:
            row.refuse("metier", "une commune du métier eau n'assure pas l'électricité")

    def new_row(self, values):
        row = super().new_row(values)
        if not row.get("utility"):
            row["utility"] = "electricity" if row["runs_electricity"] else "water"
        return row


class Tariffs(Kind):
    """A commune's tariffs by service, each from its first day; matched by commune, service and that day."""
    name, label, table, key_field = "tariffs", "Tarifs", Tariff.__table__, "valid_from"
    key_fields, key_column = ("commune", "service", "valid_from"), "date_debut"
    columns = [
        Column("commune", ("commune", "code_commune"), cells.code(10), required=True),
        Column("service", ("service",), cells.choice(SERVICES, "service", "eau, assainissement, électricité"),
               required=True),
        Column("valid_from", ("date_debut", "en_vigueur_le", "debut", "valable_a_partir_du"), cells.day, required=True),
        Column("unit_price", ("prix_unitaire", "prix"), cells.decimal_number(4, Decimal(100000)), required=True),
        Column("subscription_per_year", ("abonnement_annuel", "abonnement"), cells.decimal_number(2, Decimal(10**7)),
               required=True),
        Column("vat_rate", ("tva", "taux_tva"), cells.rate, required=True),
    ]

    def key_text(self, key):
        return f"{key[0]} {SERVICE_LABELS[key[1]]} au {key[2]:%d/%m/%Y}"

    def resolve(self, rows):
        communes = {c.code: c for c in db.session.execute(select(
            Commune.code, Commune.id, Commune.name, Commune.runs_water, Commune.runs_sewage, Commune.runs_electricity)
            .where(member_of(Commune.code, list({row.values["commune"] for row in rows}))))} if rows else {}
        for row in rows:
            code = row.values.pop("commune")
            commune = communes.get(code)
            if commune is None:
                row.refuse("commune", f"commune inconnue « {code} » (importez d'abord les communes)")
                continue
            if not getattr(commune, f"runs_{row.values['service']}"):
                row.refuse("service", f"la commune {commune.name} n'assure pas le service "
                                      f"{SERVICE_LABELS[row.values['service']]}")
            row.values["commune_id"] = commune.id
            row.key = (commune.id, row.values["service"], row.values["valid_from"])

    def existing(self, rows):
        ids = list({row.values["commune_id"] for row in rows})
        if not ids:
            return {}
        found = db.session.execute(select(self.table).where(member_of(Tariff.commune_id, ids))).mappings()
        return {(t["commune_id"], t["service"], t["valid_from"]): dict(t) for t in found}


class Customers(Kind):
    name, label, table, key_field = "customers", "Clients", Customer.__table__, "ref"
    unique_key = True
    columns = [
        Column("ref", ("reference", "reference_client", "ref_client", "ref", "numero_client"), cells.code(20),
               required=True),
        Column("kind", ("type", "type_client"), cells.choice(CUSTOMER_KINDS, "type de client", "particulier, organisation"), default="person"),
        Column("status", ("statut",), cells.choice(CUSTOMER_STATUSES, "statut", "client, prospect"), default="customer"),
        Column("title", ("civilite", "titre"), cells.text(20)),
        Column("last_name", ("nom", "raison_sociale", "nom_ou_raison_sociale", "nom_client"), cells.text(120),
               required=True),
        Column("first_name", ("prenom", "prenom_client"), cells.text(120)),
        Column("email", ("email", "e_mail", "courriel", "adresse_email"), cells.email),
        Column("mobile", ("mobile", "portable", "telephone_mobile", "telephone", "tel_mobile", "telephone_portable"),
               cells.phone),
        Column("postal_address", ("adresse_postale", "adresse", "adresse_courrier"), cells.text(255)),
        Column("identity_document", ("piece_identite", "piece_d_identite"), cells.text(64)),
    ]


class DeliveryPoints(Kind):
    name, label, table, key_field = "points", "Points de livraison", DeliveryPoint.__table__, "ref"
    unique_key = True
    columns = [
        Column("ref", ("reference", "reference_point", "ref_point", "pds", "point", "reference_pds", "ref_pds",
                                "numero_pds", "id_point"), cells.code(20), required=True),
        Column("commune", ("commune", "code_commune", "code_insee"), cells.code(10), required=True),
        Column("address", ("adresse",), cells.text(255), required=True),
        Column("lat", ("latitude", "lat"), cells.coordinate(90)),
        Column("lon", ("longitude", "lon", "lng"), cells.coordinate(180)),
        Column("kind", ("nature", "type", "type_point"), cells.choice(POINT_KINDS, "nature de point", "eau, assainissement, BT, MT"), required=True),
        Column("individual_house", ("maison_individuelle", "pavillon"), cells.yes_no, default=False),
        Column("rented", ("logement_loue", "loue", "location"), cells.yes_no, default=False),
        Column("state", ("etat",), cells.choice(POINT_STATES, "état", "ouvert, fermé, déposé"), default="open"),
        Column("closed_on", ("date_fermeture", "date_de_fermeture"), cells.day),
        Column("access_notes", ("acces", "notes_acces", "consignes_acces"), cells.text(2000)),
    ]

    def __init__(self, today):
        super().__init__(today)
        self.communes = {c.code: c for c in db.session.execute(
            select(Commune.code, Commune.id, Commune.name, Commune.runs_water, Commune.runs_sewage,
                   Commune.runs_electricity))}

    def resolve(self, rows):
        for row in rows:
            code = row.values.pop("commune")
            commune = self.communes.get(code)
            if commune is None:
                row.refuse("commune", f"commune inconnue « {code} » (importez d'abord les communes)")
                continue
            service = SERVICE_OF_POINT[row.values["kind"]]
            if not getattr(commune, f"runs_{service}"):
                row.refuse("nature", f"la commune {commune.name} n'est pas desservie en {SERVICE_LABELS[service]}")
            row.values["commune_id"] = commune.id

    def check(self, row, before):
        state = row.values.get("state") or (before or {}).get("state") or "open"
        closed_on = row.values["closed_on"] if "closed_on" in row.values else (before or {}).get("closed_on")
        if state in ("closed", "removed") and closed_on is None:
            row.refuse("date_fermeture", "point fermé ou déposé sans date de fermeture")
        if state == "open" and closed_on is not None:
            row.refuse("date_fermeture", "date de fermeture sur un point ouvert")
        if closed_on and closed_on > self.today:
            row.refuse("date_fermeture", f"date de fermeture dans le futur ({closed_on:%d/%m/%Y})")


CONTACT_ROLES = {"proprietaire": "owner", "owner": "owner", "gestionnaire": "manager", "syndic": "manager",
                 "manager": "manager", "agence": "agency", "agence_immobiliere": "agency", "agency": "agency",
                 "notaire": "notary", "notary": "notary", "bailleur": "landlord", "bailleur_social": "landlord",
                 "landlord": "landlord"}


class PointContacts(Kind):
    """Owner, manager, agency, notary or social landlord of a delivery point (W6, W18): one per role."""
    name, label, table, key_field = "contacts", "Contacts des points", PointContact.__table__, "role"
    key_fields, key_column = ("point", "role"), "qualite"
    columns = [
        Column("point", ("point", "reference_point", "pds", "ref_point", "reference_pds", "ref_pds"), cells.code(20),
               required=True),
        Column("role", ("qualite", "role", "type_contact"),
               cells.choice(CONTACT_ROLES, "qualité", "propriétaire, gestionnaire, agence, notaire, bailleur"),
               required=True),
        Column("name", ("nom", "raison_sociale"), cells.text(200), required=True),
        Column("phone", ("telephone", "tel", "mobile"), cells.phone),
        Column("email", ("email", "e_mail", "courriel"), cells.email),
        Column("address", ("adresse",), cells.text(255)),
        Column("verified_on", ("verifie_le", "date_verification"), cells.day),
    ]

    def key_text(self, key):
        return f"{key[0]} / {key[1]}"

    def resolve(self, rows):
        for row in _resolve_points(rows):
            row.key = (row.values["delivery_point_id"], row.values["role"])

    def existing(self, rows):
        ids = list({row.values["delivery_point_id"] for row in rows})
        if not ids:
            return {}
        found = db.session.execute(select(self.table).where(member_of(PointContact.delivery_point_id, ids))
                                   .order_by(PointContact.id)).mappings()
        current = {}
        for contact in found:
            current.setdefault((contact["delivery_point_id"], contact["role"]), dict(contact))
        return current


class Meters(Kind):
    name, label, table, key_field = "meters", "Compteurs", Meter.__table__, "serial"
    unique_key = True
    columns = [
        Column("serial", ("numero_serie", "numero_de_serie", "n_de_serie", "serie", "compteur", "matricule",
                           "numero_compteur", "n_compteur", "num_compteur"),
               cells.code(32), required=True),
        Column("point", ("point", "reference_point", "pds", "ref_point", "reference_pds", "ref_pds"), cells.code(20),
               required=True),
        Column("dials", ("cadrans", "nombre_de_cadrans", "nb_cadrans", "roues"), cells.whole(3, 10), default=5),
        Column("reading_mode", ("mode_releve", "mode_de_releve", "releve"), cells.choice(READING_MODES, "mode de relève", "manuel, radio, télérelève"),
               default="manual"),
        Column("last_seen_on", ("derniere_visite", "date_derniere_visite", "vu_le"), cells.day),
        Column("leak_alert", ("alerte_fuite",), cells.yes_no, default=False),
        Column("consumption_alert", ("alerte_surconsommation", "alerte_consommation"), cells.yes_no, default=False),
        Column("installed_on", ("date_pose", "pose_le", "date_de_pose"), cells.day),
        Column("removed_on", ("date_depose", "depose_le", "date_de_depose"), cells.day),
    ]

    def resolve(self, rows):
        _resolve_points(rows)

    def check(self, row, before):
        values = row.values
        if values.get("installed_on") and values.get("removed_on") and values["removed_on"] < values["installed_on"]:
            row.refuse("date_depose", "date de dépose antérieure à la date de pose")
        if before and before["delivery_point_id"] != values["delivery_point_id"] and before["removed_on"] is None:
            where = db.session.scalar(select(DeliveryPoint.ref).where(DeliveryPoint.id == before["delivery_point_id"]))
            row.refuse("point", f"compteur déjà posé sur le point {where} : il ne peut pas être sur deux points "
                                "(déposez-le d'abord)")


class Readings(Kind):
    """The reading history: a reading is matched by its meter and its date."""
    name, label, table, key_field = "readings", "Relevés", Reading.__table__, "read_on"
    key_fields, key_column = ("meter", "read_on"), "compteur"
    columns = [
        Column("meter", ("compteur", "numero_serie", "serie", "matricule", "numero_compteur", "n_compteur"),
               cells.code(32), required=True),
        Column("read_on", ("date", "date_releve", "date_de_releve", "date_index"), cells.day, required=True),
        Column("index", ("index", "valeur_index", "index_releve"), cells.whole(0), required=True),
        Column("source", ("source", "origine"), cells.choice(READING_SOURCES, "source", "client, agent, radio, télérelève, estimé"), required=True),
        Column("billed", ("facture", "facturé", "releve_facture"), cells.yes_no, default=False),
    ]

    def key_text(self, key):
        return f"{key[0]} au {key[1]:%d/%m/%Y}"

    def resolve(self, rows):
        meters = _lookup(Meter.serial, Meter.id, [row.values["meter"] for row in rows], Meter.dials)
        self.history = {}
        for row in rows:
            serial = row.values.pop("meter")
            if serial not in meters:
                row.refuse("compteur", f"compteur inconnu « {serial} » (importez d'abord les compteurs)")
                continue
            meter_id, dials = meters[serial]
            row.values["meter_id"] = meter_id
            row.key = (meter_id, row.values["read_on"])
            if row.values["index"] >= 10 ** dials:
                row.refuse("index", f"index {row.values['index']} trop grand pour un compteur à {dials} cadrans")
            self.history.setdefault(meter_id, [dials, []])
        if self.history:
            found = db.session.execute(
                select(Reading.meter_id, Reading.read_on, Reading.index, Reading.id, Reading.source, Reading.billed)
                .where(member_of(Reading.meter_id, list(self.history))).order_by(Reading.meter_id, Reading.read_on, Reading.id))
            for meter_id, read_on, index, *_ in found:
                days = self.history[meter_id][1]
                if not days or days[-1][0] != read_on:
                    days.append((read_on, index))

    def existing(self, rows):
        meter_ids = list({row.key[0] for row in rows})
        if not meter_ids:
            return {}
        found = db.session.execute(select(self.table).where(member_of(Reading.meter_id, meter_ids))
                                   .order_by(Reading.id)).mappings()
        current = {}
        for stored in found:
            current.setdefault((stored["meter_id"], stored["read_on"]), dict(stored))
        return current

    def check(self, row, before):
        dials, days = self.history[row.values["meter_id"]]
        read_on, index = row.values["read_on"], row.values["index"]
        at = bisect_left(days, (read_on,))
        previous = days[at - 1] if at > 0 else None
        following_at = at + 1 if at < len(days) and days[at][0] == read_on else at
        following = days[following_at] if following_at < len(days) else None
        top = 10 ** dials
        if previous and index < previous[1] and not _rollover(previous[1], index, top):
            row.refuse("index", f"index {index} en recul : le relevé du {previous[0]:%d/%m/%Y} indique {previous[1]}")
        elif following and following[1] < index and not _rollover(index, following[1], top):
            row.refuse("index", f"index {index} en recul : le relevé suivant du {following[0]:%d/%m/%Y} "
                                f"indique {following[1]}")
        if read_on > self.today:
            row.refuse("date", f"relevé daté dans le futur ({read_on:%d/%m/%Y})")

    def accepted(self, row, before):
        days = self.history[row.values["meter_id"]][1]
        entry = (row.values["read_on"], row.values["index"])
        at = bisect_left(days, (entry[0],))
        if at < len(days) and days[at][0] == entry[0]:
            days[at] = entry
        else:
            days.insert(at, entry)


def _rollover(before: int, after: int, top: int) -> bool:
    """The dials went round: the earlier index near the top, the later one near zero."""
    return before >= top * (1 - ROLLOVER_SHARE) and after < top * ROLLOVER_SHARE


class Contracts(Kind):
    name, label, table, key_field = "contracts", "Contrats", Contract.__table__, "number"
    unique_key = True
    columns = [
        Column("number", ("numero", "numero_contrat", "contrat", "reference_contrat", "reference", "ref_contrat"),
               cells.code(20),
               required=True),
        Column("customer", ("client", "reference_client", "ref_client"), cells.code(20), required=True),
        Column("point", ("point", "reference_point", "pds", "ref_point", "reference_pds", "ref_pds"), cells.code(20),
               required=True),
        Column("service", ("service",), cells.choice(SERVICES, "service", "eau, assainissement, électricité"), required=True),
        Column("voltage", ("tension",), cells.choice(VOLTAGES, "tension", "BT, MT")),
        Column("start_on", ("date_debut", "debut", "date_de_debut"), cells.day, required=True),
        Column("end_on", ("date_fin", "fin", "date_de_fin"), cells.day),
        Column("state", ("etat",), cells.choice(CONTRACT_STATES, "état de contrat", "actif, en résiliation, résilié")),
        Column("prepaid_until", ("prepaye_jusqu_au", "abonnement_paye_jusqu_au", "prepaye_jusqu_a"), cells.day),
        Column("direct_debit", ("prelevement", "prelevement_automatique"), cells.yes_no, default=False),
        Column("iban", ("iban",), cells.iban),
        Column("deposit_amount", ("depot_garantie", "depot_de_garantie", "caution"), cells.amount, default=0),
        Column("deposit_payer_name", ("depot_paye_par", "payeur_depot", "payeur_du_depot"), cells.text(200)),
        Column("deposit_payer_identity", ("piece_identite_payeur", "identite_payeur"), cells.text(64)),
        Column("billing_address", ("adresse_facturation", "adresse_de_facturation"), cells.text(255)),
    ]

    def resolve(self, rows):
        customers = _lookup(Customer.ref, Customer.id, [row.values["customer"] for row in rows])
        points, self.active = self._points_and_their_contracts([row.values["point"] for row in rows])
        for row in rows:
            customer, point = row.values.pop("customer"), row.values.pop("point")
            if customer not in customers:
                row.refuse("client", f"client inconnu « {customer} » (importez d'abord les clients)")
            if point not in points:
                row.refuse("point", f"point de livraison inconnu « {point} » (importez d'abord les points)")
            if row.problems:
                continue
            row.values["customer_id"] = customers[customer][0]
            point_id, kind = points[point]
            row.values["delivery_point_id"] = point_id
            if SERVICE_OF_POINT[kind] != row.values["service"]:
                row.refuse("service", f"service {SERVICE_LABELS[row.values['service']]} sur un point "
                                      f"{SERVICE_LABELS[SERVICE_OF_POINT[kind]]}")

    def _points_and_their_contracts(self, refs: list) -> tuple[dict, dict]:
        """{point ref: (id, kind)} and {point id: {numbers of its contracts not terminated}}, one query."""
        refs = list(set(refs))
        if not refs:
            return {}, {}
        found = db.session.execute(
            select(DeliveryPoint.ref, DeliveryPoint.id, DeliveryPoint.kind, Contract.number)
            .outerjoin(Contract, (Contract.delivery_point_id == DeliveryPoint.id) & (Contract.state != "terminated"))
            .where(member_of(DeliveryPoint.ref, refs)))
        points, active = {}, {}
        for ref, point_id, kind, number in found:
            points[ref] = (point_id, kind)
            if number is not None:
                active.setdefault(point_id, set()).add(number)
        return points, active

    def check(self, row, before):
        values = row.values
        if "state" in values and values["state"] is None:
            values["state"] = self._derived_state(values.get("end_on", (before or {}).get("end_on")))
        merged = values if before is None else {**before, **values}
        if merged.get("end_on") and merged["end_on"] < merged["start_on"]:
            row.refuse("date_fin", "date de fin antérieure à la date de début")
        if merged.get("direct_debit") and not merged.get("iban"):
            row.refuse("iban", "prélèvement automatique sans IBAN")
        if merged.get("deposit_amount") and not merged.get("deposit_payer_name"):
            row.refuse("depot_paye_par", "dépôt de garantie sans le nom de qui l'a payé (remboursement E3)")
        if values["service"] == "electricity" and values.get("voltage") is None and "voltage" in values:
            values["voltage"] = "BT"
        if values["service"] != "electricity" and values.get("voltage"):
            row.refuse("tension", "une tension (BT/MT) ne concerne que l'électricité")
        if self._active_after(merged):
            others = self.active.get(values["delivery_point_id"], set()) - {values["number"]}
            if others:
                row.refuse("point", f"le point a déjà un contrat en cours n° {sorted(others)[0]}")

    def _derived_state(self, end_on: date | None) -> str:
        """With no state column: ended contracts are terminated, those ending later are terminating."""
        if end_on is None:
            return "active"
        return "terminated" if end_on <= self.today else "terminating"

    def _active_after(self, merged: dict) -> bool:
        state = merged.get("state") or ("terminated" if merged.get("end_on") else "active")
        return state != "terminated"

    def accepted(self, row, before):
        numbers = self.active.setdefault(row.values["delivery_point_id"], set())
        merged = row.values if before is None else {**before, **row.values}
        if self._active_after(merged):
            numbers.add(row.values["number"])
        else:
            numbers.discard(row.values["number"])

    def new_row(self, values):
        row = super().new_row(values)
        if row.get("state") is None:
            row["state"] = self._derived_state(row.get("end_on"))
        if row["service"] == "electricity" and not row.get("voltage"):
            row["voltage"] = "BT"
        return row


KINDS = {kind.name: kind for kind in (Communes, Tariffs, Customers, DeliveryPoints, PointContacts, Meters, Readings,
                                      Contracts)}
KIND_ORDER = ["communes", "tariffs", "customers", "points", "contacts", "meters", "readings", "contracts"]
