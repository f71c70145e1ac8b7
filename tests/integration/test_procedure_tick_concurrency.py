"""tick is idempotent even when two workers run it at the same moment (SQLite and PostgreSQL)."""
import threading

from sqlalchemy import func, select

from server.extensions import db
from server.models import Communication, Dossier, Letter, Order, Task
from server.services.intake.departures import WaterDeparture, record_water_departure
from server.services.intake.termination_requests import ElectricityTermination, record_termination
from server.services.dossiers.timelines import tick
from tests.integration.procedure_world import at, contract, days, park_demo_timers, today, user

WATER = ["AB00000005", "AB00000011", "AB00000013", "AB00000015"]


def run_in_parallel(app, now, workers=2):
    barrier, results, errors = threading.Barrier(workers), [], []

    def work():
        with app.app_context():
            try:
                barrier.wait()
                results.append(tick(now, calendar="fr-working-days"))
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def test_W8_W19_E10_tick_run_by_two_workers_at_once_does_everything_once(demo_ctx):
    park_demo_timers()
    planned = today() + days(1)
    for number in WATER[:2]:
        req = WaterDeparture(kind="announced", departure_on=planned, email="x@example.org", mobile="06")
        record_water_departure(contract(number).id, req, user=user("agent.eau"), now=at(today()))
    for number in WATER[2:]:  # vacant dwellings after a trusted reading
        meter = contract(number).point.meters[0]
        meter.reading_mode, meter.last_seen_on = "manual", today()
        db.session.commit()
        last = max(r.index for r in meter.readings)
        record_water_departure(contract(number).id, WaterDeparture(kind="immediate", departure_on=today(), index=last + 5),
                               user=user("agent.eau"), now=at(today()))
    record_termination(contract("EL00000122").id, ElectricityTermination(
        kind="classic", requester_name="K", requester_identity="CNI"),
        user=user("agent.elec"), now=at(today()))
    db.session.remove()
    late = at(today() + days(60))
    results = run_in_parallel(demo_ctx, late)
    results += run_in_parallel(demo_ctx, late)
    total = {}
    for r in results:
        for key, value in r.items():
            total[key] = total.get(key, 0) + value
    assert total == {"reminders": 2, "analysis_tasks": 2, "letters": 2, "closures": 2, "removals": 1}
    assert db.session.scalar(select(func.count()).select_from(Communication)) == 2
    assert db.session.scalar(select(func.count()).select_from(Task).where(Task.kind == "dsi_analysis")) == 2
    assert db.session.scalar(select(func.count()).select_from(Letter)) == 2
    assert db.session.scalar(select(func.count()).select_from(Order).where(Order.code == "CEO11",
                                                                          Order.dossier_id.isnot(None))) == 2
    assert db.session.scalar(select(func.count()).select_from(Order).where(Order.type == "REMOVAL",
                                                                          Order.dossier_id.isnot(None))) == 1
    assert db.session.scalar(select(func.count()).select_from(Dossier).where(Dossier.due_on.isnot(None),
                                                                            Dossier.state == "open")) == 0


def test_W8_W19_two_tick_processes_at_once_do_everything_once(demo_app, tmp_path):
    """Two `tournee tick --now` processes started together on the same database (the cron case)."""
    import os
    import subprocess
    from tests.live_server import VENV_BIN
    later = (today() + days(45)).isoformat() + "T08:00"
    env = dict(os.environ, DATABASE_URL=demo_app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY="x",
               TOURNEE_INSTANCE=str(tmp_path))
    runs = [subprocess.Popen([str(VENV_BIN / "tournee"), "tick", "--now", later], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    with demo_app.app_context():
        count = lambda model, *where: db.session.scalar(select(func.count()).select_from(model).where(*where))  # noqa: E731
        assert count(Communication) == 2                                   # the two demo DSI, reminded once
        assert count(Task, Task.kind == "dsi_analysis") == 2
        assert count(Letter) == 1                                          # the demo vacant dwelling
        assert count(Order, Order.code == "CEO11", Order.dossier_id.isnot(None)) == 1
