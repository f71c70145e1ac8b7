"""`tournee tick [--now ISO]` and the periodic tick of the embedded server."""
import time
from datetime import date, timedelta

from sqlalchemy import func, select

from server.cli import _start_periodic_tick
from server.extensions import db
from server.models import Communication


def test_W8_W19_tick_command_moves_time_with_now_and_does_nothing_twice(sqlite_demo_app):
    runner = sqlite_demo_app.test_cli_runner()
    later = (date.today() + timedelta(days=45)).isoformat() + "T08:00"
    first = runner.invoke(args=["tick", "--now", later])
    assert first.exit_code == 0, first.output
    # the two demo DSI (reminder, then analysis task) and the demo vacant-dwelling ASI (letter, then CEO11)
    for done in ("relances : 2", "tâches d'analyse : 2", "courriers 1-70 : 1", "ordres CEO11 : 1"):
        assert done in first.output
    second = runner.invoke(args=["tick", "--now", later])
    assert "rien à faire" in second.output
    bad = runner.invoke(args=["tick", "--now", "demain"])
    assert bad.exit_code != 0 and "AAAA-MM-JJTHH:MM" in bad.output


def test_W8_embedded_server_runs_tick_periodically(sqlite_demo_app):
    sqlite_demo_app.config["TICK_INTERVAL_SECONDS"] = 0
    assert _start_periodic_tick(sqlite_demo_app) is None  # off
    sqlite_demo_app.config["TICK_INTERVAL_SECONDS"] = 0.2
    stop = _start_periodic_tick(sqlite_demo_app)
    try:
        with sqlite_demo_app.app_context():
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if db.session.scalar(select(func.count()).select_from(Communication)):
                    break
                db.session.rollback()
                time.sleep(0.1)
            assert db.session.scalar(select(func.count()).select_from(Communication)) == 1  # demo DSI, day 12
    finally:
        stop.set()
