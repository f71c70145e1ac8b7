"""The office's screens, listed from the app's URL map, and a demo world that fills them.

Every GET rule is a screen for every role it grants (`roles_required`), at its path when it names nothing, else
with one object of each kind the world holds for the login's utility. A new page is thus covered by the staff-text
and accessibility tests without anyone editing them; a rule naming an argument the world cannot fill must be
listed in NOT_SCREENS with the reason, or the listing test fails."""
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from werkzeug.routing import Rule

# A demo login per role (the first is the one the browser test signs in as); both utilities where there are two.
LOGINS = {"agent": ("agent.eau", "agent.elec"), "chief": ("chef.eau", "chef.elec"), "controller": ("controle",),
          "cashier": ("caisse",), "admin": ("admin",), "technician": ("tech.eau1",)}
UTILITY_OF = {"agent.eau": "water", "chef.eau": "water", "tech.eau1": "water", "agent.elec": "electricity",
              "chef.elec": "electricity", "controle": "electricity", "caisse": "electricity", "admin": "water"}
EVERY = 12  # objects of each kind the text check reads (the demo's first ones)
IMPORT_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "import" / "water" / "customers.csv"
# GET rules that are not screens: files, feeds and the pages of other systems.
NOT_SCREENS = {
    "static": "static files", "web.favicon": "icon", "web.healthz": "health probe (JSON)", "metrics": "Prometheus",
    "web.login": "the sign-in page (checked signed out)", "web.admin_import_status": "progress (JSON)",
    "web.export_download": "CSV file", "web.customer_personal_data": "JSON/CSV file", "web.report_blob": "photo file",
    "web.transfers_csv": "CSV file", "web.indicators_csv": "CSV file",
}


def screen_rules(app) -> list[Rule]:
    """The office's GET rules that are screens (the tablet's app and the API are not office screens)."""
    return [rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.endpoint.startswith(("api.", "pwa."))
            and rule.endpoint not in NOT_SCREENS and not rule.rule.endswith((".pdf", "/pdf", ".csv"))]


def roles_of(app, rule: Rule) -> tuple[str, ...]:
    """The roles a rule grants; a rule open to every signed-in user (the home page) is every office role's."""
    return getattr(app.view_functions[rule.endpoint], "allowed_roles", None) or \
        ("agent", "chief", "controller", "cashier", "admin")


def unfilled(rule: Rule, ids: dict) -> set[str]:
    return set(rule.arguments) - set(ids)


def screens(app, ids_by_utility: dict[str, dict[str, list]], *, every_login: bool = True) -> list[tuple[str, str]]:
    """(login, path) of every screen for every role that may see it, with every object given per argument."""
    found = []
    for rule in sorted(screen_rules(app), key=lambda r: r.rule):
        for role in roles_of(app, rule):
            for login in LOGINS[role] if every_login else LOGINS[role][:1]:
                ids = ids_by_utility[UTILITY_OF[login]]
                if unfilled(rule, ids):
                    continue
                found += [(login, path) for path in paths_of(rule, ids)]
    return found


def paths_of(rule: Rule, ids: dict[str, list]) -> list[str]:
    """The rule's path once per object of its (single) argument, or once when it names nothing."""
    if not rule.arguments:
        return [rule.rule]
    [name] = rule.arguments
    return [rule.build({name: value}, append_unknown=False)[1] for value in ids[name]]


def demo_ids(utility: str, *, every: bool) -> dict[str, list]:
    """Ids of the world's objects of a utility, per route argument: all of them, or one of each kind (the one with
    the most to show). Run in an app context."""
    from sqlalchemy import func, select

    from server.extensions import db
    from server.models import Commune, Contract, DeliveryPoint, Dossier, DossierEvent, Invoice, Order, Report
    point_ids = select(DeliveryPoint.id).join(Commune).where(Commune.utility == utility)
    limit = EVERY if every else 1

    def ids(query) -> list:
        return list(db.session.scalars(query.limit(limit)))
    events = select(func.count(DossierEvent.id)).where(DossierEvent.dossier_id == Dossier.id).scalar_subquery()
    return {
        "customer_id": ids(select(Contract.customer_id).where(Contract.delivery_point_id.in_(point_ids))
                           .order_by(Contract.state.desc(), Contract.id)),
        "contract_id": ids(select(Contract.id).where(Contract.delivery_point_id.in_(point_ids), Contract.state == "active")
                           .order_by(Contract.id)),
        "dossier_id": ids(select(Dossier.id).where(Dossier.utility == utility).order_by(events.desc(), Dossier.id)),
        "order_id": ids(select(Order.id).where(Order.delivery_point_id.in_(point_ids)).order_by(Order.id.desc())),
        "report_id": ids(select(Report.id).join(Order).where(Order.delivery_point_id.in_(point_ids), Report.state == "received")
                         .order_by(Report.id)) if not every else
        ids(select(Report.id).join(Order).where(Order.delivery_point_id.in_(point_ids)).order_by(Report.id)),
        "invoice_id": ids(select(Invoice.id).join(Contract).where(Contract.delivery_point_id.in_(point_ids),
                                                                  Invoice.state == "issued").order_by(Invoice.id)),
        "commune_id": ids(select(Commune.id).where(Commune.utility == utility).order_by(Commune.id)),
    }


def build_demo_world(blob_dir, today: date) -> None:
    """The demo as `make run` shows it (reports in every state of their review), then departures, terminations and a
    takeover taken at the counter, and the timers run 40 days later, so the dossiers' timelines have something
    to say. Run in an app context on a database holding the demo data."""
    from server.blobs import DiskBlobStore
    from server.extensions import db
    from server.models import Contract
    from server.services.dossiers.timelines import tick
    from server.services.intake.departures import WaterDeparture, record_water_departure
    from server.services.intake.termination_requests import ElectricityTermination, record_termination
    from server.services.intake.water_departures import active_meter, history_of
    from server.services.reporting.demo_reports import demo_report_scenarios, seed_demo_reports
    from server.models import User
    now = datetime.combine(today, time(8), tzinfo=timezone.utc)
    seed_demo_reports(demo_report_scenarios(), now=now, store=DiskBlobStore(blob_dir, 15 * 2**20))

    def user(login):
        return db.session.query(User).filter_by(login=login).one()

    def contract(number):
        return db.session.query(Contract).filter_by(number=number).one().id
    record_water_departure(contract("AB00000005"), WaterDeparture(
        kind="announced", departure_on=today + timedelta(days=2), email="client@example.org", mobile="0611223344"),
        user=user("agent.eau"), now=now)
    record_water_departure(contract("AB00000013"), WaterDeparture(kind="unannounced", appointment_on=today + timedelta(days=3)),
                           user=user("agent.eau"), now=now)
    record_termination(contract("EL00000122"), ElectricityTermination(
        kind="classic", termination_on=today + timedelta(days=3), requester_name="Koffi Adjovi",
        requester_identity="CNI 123456"), user=user("agent.elec"), now=now)
    taken_over = db.session.get(Contract, contract("EL00000124"))
    record_termination(taken_over.id, ElectricityTermination(   # E4: invoices issued, both customers to the cashier
        kind="takeover", index=max(history_of(active_meter(taken_over)))[1] + 5, successor_name="Afi Dossou",
        successor_identity="CNI 998877", successor_phone="+22990000000"), user=user("agent.elec"), now=now)
    tick(now + timedelta(days=40))
    db.session.commit()
