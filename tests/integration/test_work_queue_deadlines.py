"""The work queue's "dossiers late on their timeline" (issue 15): each dossier by its own procedure's due day
(DESIGN §4), not a flat 30 days; the count on the home page and the list it links to agree, the day before
(not late) and the day of (late), on SQLite and PostgreSQL."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from server.extensions import db
from server.models import Dossier, User
from server.services.dossiers.deadlines import deadline_of, overdue_on
from server.services.dossiers.dossiers import list_dossiers
from server.services.reporting.work_queues import work_queue
from server.services.rules.departure_rules import analysis_day, vacant_closure_day

START = date(2026, 3, 2)
CALENDAR = "fr-working-days"


def dossier(ref: str, dossier_type: str, *, requested_on=START, utility="water", **kw) -> Dossier:
    row = Dossier(ref=ref, type=dossier_type, state=kw.pop("state", "open"), utility=utility, requested_on=requested_on,
                  **kw)
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def agent(app_ctx):
    user = User(login="agent.eau", name="Agent Eau", role="agent", utility="water", password_hash="-")
    db.session.add(user)
    db.session.commit()
    return user


def late_refs(user: User, day: date) -> set[str]:
    """The refs the work queue's list shows on `day`, checked against the count the home page shows."""
    listed = {d.ref for d in list_dossiers(dossier_type=None, state="open", utility=user.utility, late_on=day)}
    [item] = [i for i in work_queue(user, day) if i.key == "dossiers_overdue"]
    assert item.count == len(listed) and item.url == "/dossiers?late=1"
    return listed


def only_late_from(user: User, row: Dossier, due: date) -> None:
    assert deadline_of(row, CALENDAR) == due
    assert row.ref not in late_refs(user, due - timedelta(days=1)), f"{row.ref} late the day before {due}"
    assert row.ref in late_refs(user, due), f"{row.ref} not late on {due}"


def test_W8_W10_an_announced_departure_is_late_from_day_30_after_its_planned_date(agent):
    planned = START + timedelta(days=5)
    row = dossier("DSI1", "DSI", planned_on=planned, step="reminded", due_on=analysis_day(planned))
    only_late_from(agent, row, planned + timedelta(days=30))
    row.planned_on = planned + timedelta(days=20)   # postponed: the timeline restarts from the new date
    db.session.flush()
    assert row.ref not in late_refs(agent, planned + timedelta(days=30))


def test_W19_a_vacant_dwelling_is_late_from_its_30th_working_day(agent):
    row = dossier("ASI1", "ASI", branch="vacant", step="letter_sent")
    due = vacant_closure_day(START, CALENDAR)
    assert (due - START).days > 30                  # working days: later than 30 calendar days
    only_late_from(agent, row, due)


def test_E10_an_electricity_termination_is_late_from_its_termination_date(app_ctx):
    chief = User(login="chef.elec", name="Chef Élec", role="chief", utility="electricity", password_hash="-")
    db.session.add(chief)
    end = START + timedelta(days=12)
    row = dossier("DEP1", "DEP", utility="electricity", step="awaiting_removal", due_on=end)
    only_late_from(chief, row, end)


def test_W23_other_dossiers_are_late_when_open_more_than_30_days_after_the_request(agent):
    rows = [dossier("DEP2", "DEP", step="reading_appointment"), dossier("INF1", "INF_TELE"),
            dossier("ASI2", "ASI", branch="predecessor", step="announced")]
    for row in rows:
        only_late_from(agent, row, START + timedelta(days=31))


def test_closed_and_other_utilities_dossiers_are_never_late(agent):
    dossier("DSI2", "DSI", planned_on=START, state="closed")
    dossier("DSI3", "DSI", planned_on=START, utility="electricity")
    assert late_refs(agent, START + timedelta(days=400)) == set()


def test_the_late_dossiers_are_found_through_indexes_without_reading_the_table(agent):
    """20 000 dossiers, most closed or recent: each database reads the few late ones through the indexes."""
    kinds = [("DSI", None, "planned"), ("ASI", "vacant", "vacant"), ("DEP", None, "awaiting_removal"), ("INF_TELE", None, None)]
    db.session.execute(Dossier.__table__.insert(), [
        {"ref": f"X{n}", "type": kinds[n % 4][0], "branch": kinds[n % 4][1], "step": kinds[n % 4][2],
         "state": "open" if n % 10 == 0 else "closed", "utility": "water",
         "requested_on": START + timedelta(days=n % 300), "planned_on": START + timedelta(days=n % 300),
         "due_on": START + timedelta(days=n % 300), "data": {}} for n in range(20_000)])
    db.session.commit()
    db.session.execute(text("ANALYZE dossiers"))
    query = select(Dossier.requested_on).where(overdue_on(START + timedelta(days=20), CALENDAR)).limit(1001)
    if db.engine.dialect.name == "sqlite":
        positional = query.compile(db.engine)
        values = tuple(positional.params[name] for name in positional.positiontup)
        rows = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {positional}", values)
        plan = "\n".join(row[-1] for row in rows)
        assert "SCAN dossiers" not in plan and "ix_dossiers_type_state_planned" in plan, plan
        assert "ix_dossiers_type_state_requested" in plan and "ix_dossiers_type_state_due" in plan, plan
        return
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = "\n".join(db.session.scalars(text(f"EXPLAIN {compiled}")))
    assert "Seq Scan" not in plan and "ix_dossiers_type_state_planned" in plan, plan
    assert "ix_dossiers_type_state_requested" in plan and "ix_dossiers_type_state_due" in plan, plan


def test_the_home_page_links_the_count_to_the_list_of_late_dossiers(office, sqlite_demo_app):
    with sqlite_demo_app.app_context():
        dsi = db.session.scalars(select(Dossier).where(Dossier.type == "DSI").order_by(Dossier.id)).first()
        dsi.planned_on, ref, dsi_id = date.today() - timedelta(days=40), dsi.ref, dsi.id
        db.session.commit()
    agent = office("agent.eau")
    home = agent.get("/").get_data(as_text=True)
    assert "Dossiers en retard sur leur calendrier" in home and 'href="/dossiers?late=1"' in home
    listed = agent.get("/dossiers?late=1").get_data(as_text=True)
    assert ref in listed and "analyse du départ annoncé sans nouvelles (jour 30)" in listed
    assert ref not in agent.get("/dossiers?late=1&type=DEP").get_data(as_text=True)
    due = (date.today() - timedelta(days=10)).strftime("%d/%m/%Y")       # day 30 after the planned date
    assert f"{due} : analyse du départ annoncé sans nouvelles (jour 30)" in agent.get(f"/dossiers/{dsi_id}").get_data(
        as_text=True)
