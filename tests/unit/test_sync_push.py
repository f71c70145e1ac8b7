"""Push on the in-memory store: every status of the contract, idempotency and conflicts."""
import threading
from datetime import timedelta

import pytest

from sync.content import content_hash
from sync.engine import push_report, push_reports
from sync.errors import DuplicateReport

from tests.unit.sync_world import (ALICE, ALICE_DEVICE, BRUNO, NOW, PHOTO, SIGNATURE, add_blobs, blob, new_store,
                                   reading_report)


@pytest.fixture
def store():
    return new_store()


def push(store, report, technician=ALICE, at=NOW, **kwargs):
    return push_report(store, technician, ALICE_DEVICE if technician == ALICE else 80, report, at, **kwargs)


def test_complete_report_is_applied_and_stored_once(store):
    report = reading_report()
    add_blobs(store)
    result = push(store, report)
    assert result == {"uuid": report["uuid"], "status": "applied", "report_id": 1,
                      "received_at": "2026-03-02T10:00:00.000+00:00", "http_status": 200}
    stored = store.contents[report["uuid"]]
    assert stored.content == report and stored.content_hash == content_hash(report)
    assert stored.conflict is None and stored.complete and stored.flags == ()


def test_report_missing_blobs_awaits_them_then_applies_when_pushed_again(store):
    report = reading_report()
    first = push(store, report)
    assert first["status"] == "awaiting_blobs" and first["http_status"] == 200
    assert first["missing_blobs"] == [PHOTO, SIGNATURE]
    assert push(store, report)["status"] == "awaiting_blobs"  # still missing: same answer
    add_blobs(store)
    second = push(store, report, at=NOW + timedelta(minutes=5))
    assert second["status"] == "applied" and second["report_id"] == first["report_id"]
    assert second["received_at"] == first["received_at"]  # the first receipt stays authoritative
    assert push(store, report)["status"] == "duplicate"
    assert len(store.reports) == 1


def test_same_uuid_same_content_is_duplicate_with_the_stored_answer(store):
    add_blobs(store)
    report = reading_report()
    first = push(store, report)
    again = push(store, dict(reversed(list(report.items()))), at=NOW + timedelta(hours=2))
    assert again == {**first, "status": "duplicate"}
    assert len(store.reports) == 1 and store.aside == []


def test_same_uuid_other_content_is_mismatch_first_untouched_second_aside(store):
    add_blobs(store)
    first = reading_report(index=1250)
    push(store, first)
    second = reading_report(index=1260)
    result = push(store, second)
    assert result["status"] == "mismatch" and result["http_status"] == 409
    assert "uuid" in result["errors"] and "report_id" not in result
    assert store.contents[first["uuid"]].content["answers"]["index"] == 1250
    [aside] = store.aside
    assert aside.reason == "mismatch" and aside.content == second
    assert aside.content_hash == content_hash(second)
    push(store, second)  # pushed again: answered again, kept aside once
    assert len(store.aside) == 1


def test_report_on_cancelled_order_is_stored_as_conflict(store):
    add_blobs(store)
    store.cancel(101)
    result = push(store, reading_report())
    assert result["status"] == "conflict" and result["http_status"] == 200 and result["report_id"]
    assert store.contents[reading_report()["uuid"]].conflict == "cancelled"


def test_repush_of_a_conflict_answers_the_stored_verdict_every_time(store):
    add_blobs(store)
    store.cancel(101)
    first = push(store, reading_report())
    assert first["conflict"] == "cancelled"
    again = [push(store, reading_report()) for _ in range(3)]
    assert again == [first] * 3  # never "duplicate": a tablet whose first answer was lost learns of it


def test_repush_of_a_reassigned_conflict_keeps_its_reason(store):
    add_blobs(store)
    store.reassign(101, BRUNO)
    push(store, reading_report())
    again = push(store, reading_report())
    assert (again["status"], again["conflict"], again["http_status"]) == ("conflict", "reassigned", 200)


def test_report_on_order_reassigned_away_is_stored_as_conflict(store):
    add_blobs(store)
    store.reassign(101, BRUNO)
    result = push(store, reading_report())
    assert result["status"] == "conflict"
    assert store.contents[reading_report()["uuid"]].conflict == "reassigned"


def test_conflict_waiting_for_blobs_answers_conflict_once_complete(store):
    store.cancel(101)
    assert push(store, reading_report())["status"] == "awaiting_blobs"
    add_blobs(store)
    assert push(store, reading_report())["status"] == "conflict"


def test_report_on_another_technicians_order_is_refused_and_kept_aside(store):
    report = reading_report(order_id=104, index=3150)
    report["answers"]["meter_serial"] = "W18-000104"
    result = push(store, report)
    assert result["status"] == "rejected" and result["http_status"] == 403
    assert "order_id" in result["errors"]
    assert store.reports == {} and store.aside[0].reason == "forbidden"


def test_unknown_order_is_rejected(store):
    result = push(store, reading_report(order_id=999))
    assert result["status"] == "rejected" and result["errors"] == {"order_id": ["Ordre d'intervention inconnu."]}


def test_form_type_other_than_the_orders_is_rejected(store):
    result = push(store, reading_report(form_type="CUTOFF"))
    assert result["status"] == "rejected" and "form_type" in result["errors"]


def test_unknown_form_version_is_rejected(store):
    result = push(store, reading_report(form_version=99))
    assert result["status"] == "rejected" and "form_version" in result["errors"]


def test_serial_mismatch_without_anomaly_is_rejected_with_field_reason(store):
    report = reading_report()
    report["answers"]["meter_serial"] = "W00-999999"
    result = push(store, report)
    assert result["status"] == "rejected" and result["http_status"] == 422
    assert "meter_serial" in result["errors"]
    assert all(isinstance(m, str) for m in result["errors"]["meter_serial"])
    assert store.reports == {} and store.aside[0].reason == "rejected"


def test_rejected_report_can_be_corrected_and_sent_again_under_its_uuid(store):
    add_blobs(store)
    bad = reading_report()
    bad["answers"]["meter_serial"] = "W00-999999"
    assert push(store, bad)["status"] == "rejected"
    assert push(store, reading_report())["status"] == "applied"


def test_photo_named_in_answers_but_not_attached_is_rejected(store):
    report = reading_report(attachments=[])
    result = push(store, report)
    assert result["status"] == "rejected" and "photo_index" in result["errors"]
    assert "sig_technician" in result["errors"]


def test_attachment_not_named_by_any_answer_is_rejected(store):
    report = reading_report()
    report["attachments"].append({**report["attachments"][0], "sha256": blob("stray")})
    result = push(store, report)
    assert result["status"] == "rejected" and "attachments" in result["errors"]


def test_malformed_report_is_rejected_not_raised(store):
    for raw in ([1, 2], "report", {"uuid": "not-a-uuid"}, reading_report(order_id="101")):
        result = push(store, raw)
        assert result["status"] == "rejected" and result["http_status"] == 422 and result["errors"]
    assert store.reports == {}


def test_clock_skew_beyond_ten_minutes_is_flagged_not_refused(store):
    add_blobs(store)
    ahead = reading_report(device_time="2026-03-02T12:00:00+01:00")  # 1 h after receipt
    assert push(store, ahead)["status"] == "applied"
    assert store.contents[ahead["uuid"]].flags == ({"flag": "clock_skew", "seconds": 3600},)


def test_report_captured_offline_long_ago_is_not_a_skew(store):
    add_blobs(store)
    old = reading_report(device_time="2026-02-27T09:00:00+01:00")
    push(store, old)
    assert store.contents[old["uuid"]].flags == ()


def test_device_clock_header_measures_the_skew(store):
    add_blobs(store)
    push(store, reading_report(), device_clock=NOW - timedelta(minutes=25))
    assert store.contents[reading_report()["uuid"]].flags == ({"flag": "clock_skew", "seconds": -1500},)


def test_order_changed_since_capture_is_flagged_not_conflict(store):
    add_blobs(store)
    store.set_state(101, "assigned")  # any office change bumps the version
    assert push(store, reading_report())["status"] == "applied"
    assert store.contents[reading_report()["uuid"]].flags == (
        {"flag": "order_version", "captured": 1, "current": 2},)


def test_batch_answers_each_report_in_order(store):
    add_blobs(store)
    good = reading_report()
    other = reading_report(uuid="0b9e3f0a-5a1e-4c1b-8d7e-2f4a6b8c0d1e", order_id=999)
    results = push_reports(store, ALICE, ALICE_DEVICE, [good, other, good], NOW)
    assert [r["status"] for r in results] == ["applied", "rejected", "duplicate"]


def test_lost_race_on_the_unique_constraint_answers_duplicate(store):
    add_blobs(store)
    report = reading_report()
    real_insert = store.insert_report

    def winner_inserts_first(new):  # another request commits the same report just before ours
        real_insert(new)
        raise DuplicateReport(new.uuid)

    store.insert_report = winner_inserts_first
    assert push(store, report)["status"] == "duplicate"
    assert len(store.reports) == 1


def test_a_stored_report_is_never_refused_when_retried(store):
    add_blobs(store)
    report = reading_report()
    assert push(store, report)["status"] == "applied"
    store.reassign(101, BRUNO)
    store.reassign(101, 9)  # moved twice: Alice is no longer a known former assignee
    assert push(store, report)["status"] == "duplicate"


def test_eight_threads_pushing_one_uuid_store_one_report(store):
    add_blobs(store)
    results, barrier = [], threading.Barrier(8)

    def worker():
        barrier.wait()
        results.append(push(store, reading_report())["status"])

    threads = [threading.Thread(target=worker) for _ in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(store.reports) == 1
    assert sorted(results) == ["applied"] + ["duplicate"] * 7


def test_chief_drawing_of_a_tablet_countersignature_is_awaited_like_an_attachment(store):
    add_blobs(store)
    drawing = blob("chief-drawing")
    report = reading_report(countersignature={
        "chief_login": "chef.eau", "device_time": "2026-03-02T09:20:00+01:00",
        "signature": {"sha256": drawing, "signer_name": "Bruno Lambert", "strokes": [[[1, 2], [3, 4]]]}})
    first = push(store, report)
    assert first["status"] == "awaiting_blobs" and first["missing_blobs"] == [drawing]
    store.add_blob(drawing, ALICE)
    assert push(store, report)["status"] == "applied"


def test_answers_nested_too_deep_are_rejected_not_crashing(store):
    deep = {}
    for _ in range(200):
        deep = {"a": deep}
    result = push(store, reading_report(answers={"remarks": deep}))
    assert result["status"] == "rejected" and "_schema" in result["errors"]


@pytest.mark.parametrize("value", ["\ud800", float("nan"), float("inf")])
def test_values_json_cannot_hold_are_rejected_and_kept_readable(store, value):
    result = push(store, reading_report(answers={"remarks": value}))
    assert result["status"] == "rejected" and "_schema" in result["errors"]
    assert store.aside and store.aside[-1].content_hash == ""


def test_a_blob_another_technician_uploaded_reads_missing(store):
    """Issue 12: a guessed hash never reads "present" unless this technician sent that blob."""
    add_blobs(store, PHOTO, SIGNATURE, by=(BRUNO,))
    first = push(store, reading_report())
    assert first["status"] == "awaiting_blobs" and first["missing_blobs"] == [PHOTO, SIGNATURE]
    add_blobs(store, PHOTO, SIGNATURE, by=(ALICE,))
    assert push(store, reading_report())["status"] == "applied"
