"""Push through HTTP on SQLite and PostgreSQL: statuses, idempotency, conflicts, rows in the database."""
import hashlib
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEntry, Order, QuarantinedReport, Report
from server.services.dossiers.orders import cancel_order
from tests.api.sync_world_sql import auth, build_world
from tests.unit.sync_world import ALICE, BRUNO, GOLDEN, reading_report

PNG = (GOLDEN / "blobs" / "dials.png").read_bytes()


@pytest.fixture
def client(app):
    with app.app_context():
        build_world()
    return app.test_client()


def push(client, *reports, user=ALICE, headers=None):
    response = client.post("/api/v1/sync/push", json={"reports": list(reports)},
                           headers={**auth(user), **(headers or {})})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["results"]


def photo_report(client, **overrides):
    """A READING report with a real PNG photo (uploaded or not by the test) and a real signature (uploaded)."""
    sha = hashlib.sha256(PNG).hexdigest()
    signature = (GOLDEN / "blobs" / "signature.png").read_bytes()
    signature_sha = hashlib.sha256(signature).hexdigest()
    stored = upload(client, signature_sha, signature)   # 201 the first time in a test, 200 when sent again
    assert stored.json == {"sha256": signature_sha, "size": len(signature)}
    report = reading_report(photo=sha, signature=signature_sha, **overrides)
    report["attachments"][0].update(content_type="image/png", size=len(PNG))
    report["attachments"][1].update(size=len(signature))
    return report, sha


def upload(client, sha, body=PNG, user=ALICE):
    return client.put(f"/api/v1/blobs/{sha}", data=body, headers={**auth(user), "Content-Type": "image/png"})


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_awaiting_blobs_then_applied_then_duplicate(client, app):
    report, sha = photo_report(client)
    [first] = push(client, report)
    assert first["status"] == "awaiting_blobs" and first["missing_blobs"] == [sha]
    assert upload(client, sha).status_code == 201
    [second] = push(client, report)
    assert second["status"] == "applied" and second["report_id"] == first["report_id"]
    [third] = push(client, report)
    assert third == {**second, "status": "duplicate"}
    assert count(app, Report) == 1
    with app.app_context():
        stored = db.session.scalar(select(Report))
        assert stored.state == "received" and stored.content == report and stored.technician_id == ALICE
        assert stored.device_id == ALICE * 10 and stored.uuid == report["uuid"]


def test_a_blob_only_another_technician_uploaded_reads_missing(client):
    """Issue 12: a report naming a guessed hash does not learn that the server holds it; once this
    technician uploads the file (the same bytes) it counts."""
    report, sha = photo_report(client)
    assert upload(client, sha, user=BRUNO).status_code == 201
    [first] = push(client, report)
    assert first["status"] == "awaiting_blobs" and first["missing_blobs"] == [sha]
    assert client.head(f"/api/v1/blobs/{sha}", headers=auth(ALICE)).status_code == 404
    assert upload(client, sha).status_code == 200          # already on disk: kept once, now sent by Alice too
    [second] = push(client, report)
    assert second["status"] == "applied"


def test_lost_answer_retried_gets_the_same_answer(client):
    report, sha = photo_report(client)
    upload(client, sha)
    [first] = push(client, report)   # imagine this answer never reached the tablet
    [retry] = push(client, report)
    assert retry["status"] == "duplicate"
    assert (retry["report_id"], retry["received_at"]) == (first["report_id"], first["received_at"])


def test_same_uuid_other_content_first_kept_second_aside(client, app):
    report, sha = photo_report(client)
    upload(client, sha)
    push(client, report)
    changed = {**report, "answers": {**report["answers"], "index": 1299}}
    [result] = push(client, changed)
    assert result["status"] == "mismatch" and result["http_status"] == 409
    push(client, changed)
    with app.app_context():
        assert db.session.scalar(select(Report.content)) == report
        [aside] = db.session.scalars(select(QuarantinedReport)).all()
        assert aside.reason == "mismatch" and aside.content == changed and aside.uuid == report["uuid"]
    assert count(app, AuditEntry, AuditEntry.action == "keep_report_aside") == 1


def test_report_on_cancelled_order_is_a_stored_conflict(client, app):
    with app.app_context():
        cancel_order(db.session.get(Order, 101), reason="client rappelle", now=datetime.now(timezone.utc))
        db.session.commit()
    report, sha = photo_report(client)
    upload(client, sha)
    [result] = push(client, report)
    assert result["status"] == "conflict" and result["http_status"] == 200 and result["conflict"] == "cancelled"
    with app.app_context():
        assert db.session.scalar(select(Report.conflict)) == "cancelled"
        assert count(app, AuditEntry, AuditEntry.action == "receive_report") == 1


def test_repush_of_a_conflict_answers_conflict_with_its_reason_again(client, app):
    with app.app_context():
        cancel_order(db.session.get(Order, 101), reason="client rappelle", now=datetime.now(timezone.utc))
        db.session.commit()
    report, sha = photo_report(client)
    upload(client, sha)
    [first] = push(client, report)
    [again] = push(client, report)
    assert again == first and again["status"] == "conflict" and again["conflict"] == "cancelled"
    assert count(app, Report) == 1


def test_rejected_report_is_kept_aside_with_field_reasons(client, app):
    report, _ = photo_report(client)
    report["answers"]["meter_serial"] = "W00-999999"
    [result] = push(client, report)
    assert result["status"] == "rejected" and result["http_status"] == 422 and "meter_serial" in result["errors"]
    assert count(app, Report) == 0 and count(app, QuarantinedReport, QuarantinedReport.reason == "rejected") == 1


def test_report_on_another_technicians_order_is_refused(client, app):
    report, _ = photo_report(client, order_id=104)
    report["answers"]["meter_serial"] = "W18-000104"
    [result] = push(client, report)
    assert result["status"] == "rejected" and result["http_status"] == 403
    assert count(app, Report) == 0


def test_clock_skew_header_is_flagged(client, app):
    report, sha = photo_report(client)
    upload(client, sha)
    push(client, report, headers={"X-Tournee-Device-Time": "2001-01-01T00:00:00+00:00"})
    with app.app_context():
        [flag] = [f for f in db.session.scalar(select(Report.flags)) if f["flag"] == "clock_skew"]
        assert flag["seconds"] < -10**8


def test_telemetry_headers_land_on_the_device(client, app):
    report, _ = photo_report(client)
    push(client, report, headers={"X-Tournee-App-Version": "1.4.2", "X-Tournee-Queue-Depth": "3",
                                  "X-Tournee-Storage-Used": "1048576", "X-Tournee-Storage-Quota": "oops"})
    from server.models import Device
    with app.app_context():
        device = db.session.get(Device, ALICE * 10)
        assert (device.app_version, device.queue_depth, device.storage_used, device.storage_quota) == \
            ("1.4.2", 3, 1048576, None)
        assert device.last_sync_at is not None


@pytest.mark.parametrize("body,field", [
    ({"reports": []}, "reports"), ({"reports": [{}] * 51}, "reports"), ({"reports": [{}], "x": 1}, "x"),
    ([], "_schema"), ({"reports": "x"}, "reports"),
])
def test_malformed_envelope_is_a_422_with_fields(client, body, field):
    response = client.post("/api/v1/sync/push", json=body, headers=auth(ALICE))
    assert response.status_code == 422
    assert response.json["error"] == "invalid_request" and field in response.json["fields"]


def test_not_json_is_a_clear_4xx(client):
    for data, kind in ((b"{not json", "application/json"), (b"\xff\xfe", "application/json"), (b"x", "text/plain")):
        response = client.post("/api/v1/sync/push", data=data, headers={**auth(ALICE), "Content-Type": kind})
        assert response.status_code == 400 and response.json["error"] == "invalid_request"


def test_oversized_push_is_413(client):
    big = {"reports": [{"uuid": "x" * 1000, "pad": "y" * (9 * 1024 * 1024)}]}
    response = client.post("/api/v1/sync/push", json=big, headers=auth(ALICE))
    assert response.status_code == 413 and response.json["error"] == "payload_too_large"


def test_hostile_values_in_a_report_never_500(client):
    hostile = [reading_report(order_id=2**70), reading_report(device_seq=-5),
               reading_report(answers={"index": {"$gt": 1}}), reading_report(uuid="' OR 1=1 --"),
               reading_report(device_time="9999-99-99T99:99:99+99:99"), reading_report(form_version=10**12)]
    results = push(client, *hostile)
    assert [r["status"] for r in results] == ["rejected"] * len(hostile)


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"reports":[' + b"[" * 50_000 + b"]" * 50_000 + b"]}"])
def test_json_nested_beyond_reason_is_a_400_not_a_500(client, body):
    response = client.post("/api/v1/sync/push", data=body, headers={**auth(ALICE), "Content-Type": "application/json"})
    assert response.status_code == 400 and response.json["error"] == "invalid_request"
    response = client.post("/api/v1/devices", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_device_time_is_kept_in_utc_whatever_its_offset(client, app):
    """The device clock of +01:00 reads back as the same instant on SQLite (which keeps no offset) and PostgreSQL."""
    report = reading_report(device_time="2026-11-23T09:30:00+01:00")
    assert push(client, report)[0]["status"] in ("applied", "awaiting_blobs")
    with app.app_context():
        stored = db.session.scalar(select(Report.device_time).where(Report.uuid == report["uuid"]))
    stored = stored if stored.tzinfo else stored.replace(tzinfo=timezone.utc)
    assert stored == datetime(2026, 11, 23, 8, 30, tzinfo=timezone.utc)


def test_late_report_on_a_reassigned_order_never_changes_the_new_holders_order(client, app):
    """DESIGN §7: stored and flagged as a conflict; the order stays assigned to Bruno, whatever the office
    then decides about the late report (countersigned and accepted, or rejected: no order issued again)."""
    from server.models import User
    from server.services.dossiers.orders import assign_order
    from server.services.field.dispatch import day_board
    from server.services.review.decisions import accept_report, reject_report
    from server.services.review.reports import countersign_report
    from tests.unit.sync_world import BRUNO
    now = datetime.now(timezone.utc)
    with app.app_context():
        db.session.get(User, ALICE).chief_id = 20
        assign_order(101, BRUNO, by=db.session.get(User, 20), now=now)
        version_with_bruno = db.session.get(Order, 101).version
    first, sha = photo_report(client)
    upload(client, sha)
    second, _ = photo_report(client, uuid="0b9e3f0a-5a1e-4c1b-8d7e-2f4a6b8c0d1e", device_seq=2, index=1252)
    results = push(client, first, second)
    assert [(r["status"], r["conflict"]) for r in results] == [("conflict", "reassigned")] * 2

    def bruno_still_holds_it():
        db.session.expire_all()
        order = db.session.get(Order, 101)
        return order.assignee_id, order.state, order.version

    with app.app_context():
        assert bruno_still_holds_it() == (BRUNO, "assigned", version_with_bruno)
        chief = db.session.get(User, 20)
        chief.utility = None
        board = day_board(chief, db.session.get(Order, 101).planned_date, now=now)
        [brunos] = [r for r in board.rounds if r.technician.id == BRUNO]
        assert 101 in [o.id for o in brunos.orders["assigned"]] and not brunos.orders["done"]
        accepted, rejected = db.session.scalars(select(Report).order_by(Report.id)).all()
        chief, agent = db.session.get(User, 20), db.session.get(User, 21)
        countersign_report(accepted.id, chief=chief, now=now,
                           signature={"sha256": None, "signer_name": "Claire Dupont", "strokes": [[[5, 5], [60, 30]]]})
        accept_report(accepted.id, user=agent, now=now)
        assert reject_report(rejected.id, user=agent, reason="Ordre passé à Bruno", now=now) is None
        assert bruno_still_holds_it() == (BRUNO, "assigned", version_with_bruno)
        assert db.session.scalar(select(func.count()).select_from(Order)) == 6  # nothing issued again
        assert [r.state for r in db.session.scalars(select(Report).order_by(Report.id))] == ["accepted", "rejected"]


def test_each_report_of_a_batch_is_stored_with_its_audit_entry_and_the_pool_left_as_it_was(client, app):
    """A report and its audit entry are written together (on PostgreSQL in one statement, committed without
    waiting for the disk, the push flushing them once before it answers): every report of the batch has its
    own entry, and no pooled connection keeps the push's commit setting."""
    reports = [reading_report(uuid=f"00000000-0000-4000-8000-{i:012d}", device_seq=i + 1, attachments=[],
                              outcome="absent", reason_code="nobody", answers={"remarks": "Personne."})
               for i in range(3)]
    results = push(client, *reports)
    assert [r["status"] for r in results] == ["applied"] * 3
    with app.app_context():
        if db.engine.dialect.name == "postgresql":  # every pooled connection, before the session takes one
            pooled = [db.engine.connect() for _ in range(db.engine.pool.checkedin())]
            try:
                assert len(pooled) >= 2  # the push's own connection is among them
                assert {c.exec_driver_sql("SHOW synchronous_commit").scalar() for c in pooled} == {"on"}
            finally:
                for connection in pooled:
                    connection.close()
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "receive_report")
                                     .order_by(AuditEntry.id)).all()
        assert [(e.object_type, e.object_id, e.user_id, e.device_id) for e in entries] == \
            [("report", str(r["report_id"]), ALICE, ALICE * 10) for r in results]
        assert [e.details["uuid"] for e in entries] == [r["uuid"] for r in reports]
