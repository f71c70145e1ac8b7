"""The billing export feed /api/v1/exports/<kind>: its own client token and scope, an opaque cursor, and
paging in commit order under concurrent writes (nothing skipped, nothing twice)."""
import threading
from datetime import date, datetime, timezone

from sqlalchemy import func, select

from server.extensions import db
from server.models import Commune, DeliveryPoint, ExportEvent, Meter, Reading
from server.services.own_data.export_feed import create_integration_client

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=timezone.utc)
POINTS = 6


def _world():
    commune = Commune(code="33318", name="Pessac", utility="water", runs_water=True)
    db.session.add(commune)
    db.session.flush()
    points = [DeliveryPoint(ref=f"P{n}", commune_id=commune.id, address=f"{n} rue A", kind="water")
              for n in range(POINTS)]
    db.session.add_all(points)
    db.session.flush()
    meter = Meter(serial="M1", delivery_point_id=points[0].id, dials=5)
    db.session.add(meter)
    db.session.commit()
    return [p.id for p in points], meter.id


def _get(client, path, token):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_readings_feed_pages_by_cursor_with_its_own_token_and_scope(app_ctx):
    _, meter_id = _world()
    for day in range(1, 6):
        db.session.add(Reading(meter_id=meter_id, read_on=date(2026, 11, day), index=100 * day, source="agent",
                               photo_sha256="a" * 64 if day == 5 else None))
        db.session.commit()
    token = create_integration_client("sap", ["readings"], now=NOW)
    client = app_ctx.test_client()
    first = _get(client, "/api/v1/exports/readings?limit=3", token).get_json()
    assert [i["index"] for i in first["items"]] == [100, 200, 300] and first["more"]
    assert first["items"][0] | {"id": 0, "change": 0} == {
        "id": 0, "change": 0, "meter": "M1", "point": "P0", "read_on": "2026-11-01", "index": 100,
        "source": "agent", "billed": False, "evidence": None}
    second = _get(client, f"/api/v1/exports/readings?limit=3&cursor={first['cursor']}", token).get_json()
    assert [i["index"] for i in second["items"]] == [400, 500] and not second["more"]
    assert second["items"][1]["evidence"] == "/api/v1/exports/evidence/" + "a" * 64
    empty = _get(client, f"/api/v1/exports/readings?cursor={second['cursor']}", token).get_json()
    assert empty["items"] == [] and empty["cursor"] == second["cursor"]

    assert _get(client, "/api/v1/exports/points", token).status_code == 403  # not in its scope
    assert _get(client, "/api/v1/exports/readings", "not-a-token").status_code == 401
    assert client.get("/api/v1/exports/readings").status_code == 401
    bad = _get(client, "/api/v1/exports/readings?cursor=xyz", token)
    assert bad.status_code == 400 and "Curseur invalide" in bad.get_json()["message"]


def test_feed_paging_under_concurrent_writes_skips_nothing_and_repeats_nothing(app):
    with app.app_context():
        point_ids, _ = _world()
        token = create_integration_client("sap", ["points"], now=NOW)
        db.session.remove()
    writes_per_thread, done = 15, threading.Event()

    def writer(ids):
        with app.app_context():
            for n in range(writes_per_thread):
                for point_id in ids:
                    point = db.session.get(DeliveryPoint, point_id)
                    point.access_notes = f"passage {n}"
                db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=writer, args=(point_ids[i::3],)) for i in range(3)]
    for thread in threads:
        thread.start()
    seen, cursor, client = [], "", app.test_client()
    try:
        for _ in range(2000):  # bounded
            page = _get(client, f"/api/v1/exports/points?limit=4&cursor={cursor}", token).get_json()
            seen.extend(item["change"] for item in page["items"])
            cursor = page["cursor"]
            if done.is_set() and not page["more"]:
                break
            if not any(thread.is_alive() for thread in threads):
                done.set()
    finally:
        for thread in threads:
            thread.join(timeout=60)
    with app.app_context():
        every = db.session.scalars(select(ExportEvent.seq).where(ExportEvent.object_type == "points")
                                   .order_by(ExportEvent.seq)).all()
        assert db.session.scalar(select(func.count()).select_from(ExportEvent)) >= POINTS * writes_per_thread
        db.session.remove()
    assert seen == sorted(seen) and len(seen) == len(set(seen))  # in order, never twice
    # Each page keeps an object's last change only: every event is either seen, or followed in the same
    # page by a later change of the same point that was seen. Here every change seen is a real event, and
    # the last change of every point was delivered.
    assert set(seen) <= set(every)
    with app.app_context():
        last_of_each = db.session.execute(select(ExportEvent.object_id, func.max(ExportEvent.seq))
                                          .where(ExportEvent.object_type == "points")
                                          .group_by(ExportEvent.object_id)).all()
        db.session.remove()
    assert {seq for _, seq in last_of_each} <= set(seen)


def test_round_trip_imported_references_come_back_in_the_export(app_ctx):
    from tests.integration.own_data_files import import_samples
    from server.services.own_data.export_feed import export_csv
    import_samples("water")
    meter = db.session.scalar(select(Meter).where(Meter.serial == "W21A0000901"))
    db.session.add(Reading(meter_id=meter.id, read_on=date(2026, 12, 1), index=1601, source="agent",
                           photo_sha256="b" * 64))
    point = db.session.scalar(select(DeliveryPoint).where(DeliveryPoint.ref == "PDS-E-0002"))
    point.state, point.closed_on = "closed", date(2026, 12, 2)
    db.session.commit()
    token = create_integration_client("cis", ["readings", "points"], now=NOW)
    client = app_ctx.test_client()
    readings = _get(client, "/api/v1/exports/readings", token).get_json()["items"]
    assert [(r["meter"], r["point"], r["read_on"], r["index"], r["source"]) for r in readings] == [
        ("W21A0000901", "PDS-E-0001", "2026-12-01", 1601, "agent")]  # imported rows are not sent back
    points = _get(client, "/api/v1/exports/points", token).get_json()["items"]
    assert [(p["point"], p["state"], p["closed_on"]) for p in points] == [("PDS-E-0002", "closed", "2026-12-02")]
    text = export_csv("points", datetime(2026, 1, 1, tzinfo=timezone.utc)).decode("utf-8")
    assert text.startswith("\ufeffpoint;nature;état;date_fermeture\r\n")
    assert "PDS-E-0002;water;closed;2026-12-02" in text


def test_office_csv_export_is_formula_safe_and_for_agents_and_admins(office, sqlite_demo_app):
    with sqlite_demo_app.app_context():
        point = db.session.scalar(select(DeliveryPoint).order_by(DeliveryPoint.id).limit(1))
        point.state, point.closed_on = "closed", date.today()
        ref = point.ref
        db.session.commit()
    response = office("agent.eau").get("/exports/points.csv?since=2020-01-01")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f"{ref};" in response.get_data(as_text=True)
    assert office("caisse").get("/exports/points.csv").status_code == 403
    assert office("admin").get("/exports").status_code == 200
