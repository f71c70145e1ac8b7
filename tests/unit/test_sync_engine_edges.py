"""The sync engine at its limits: each refusal with its exact answer and what is kept aside, the nesting
and size limits on both sides, the pull's page size and has_more, who sent what."""
from datetime import datetime, timedelta, timezone

import pytest

from sync import messages as msg
from sync.engine import MAX_DEPTH, format_time, pull_changes, push_report, push_reports
from sync.errors import InvalidRequest
from sync.schemas import MAX_REPORT_BYTES, PULL_LIMIT_MAX

from tests.unit.sync_world import ALICE, ALICE_DEVICE, BRUNO, NOW, add_blobs, new_store, reading_report


@pytest.fixture
def store():
    built = new_store()
    add_blobs(built)
    return built


def refused(store, report, technician=ALICE, device=ALICE_DEVICE):
    result = push_report(store, technician, device, report, NOW)
    return result, store.aside[-1]


def test_an_unknown_order_is_refused_and_kept_aside_with_who_sent_it(store):
    report = reading_report(order_id=999)
    result, aside = refused(store, report, technician=ALICE, device=ALICE_DEVICE)
    assert result == {"uuid": report["uuid"], "status": "rejected", "errors": {"order_id": [msg.UNKNOWN_ORDER]},
                      "http_status": 422}
    assert (aside.reason, aside.technician_id, aside.device_id, aside.received_at) == (
        "rejected", ALICE, ALICE_DEVICE, NOW)
    assert aside.content == report and store.reports == {}


def test_someone_elses_order_is_forbidden(store):
    result, aside = refused(store, reading_report(), technician=BRUNO, device=80)
    assert result["status"] == "rejected" and result["http_status"] == 403
    assert result["errors"] == {"order_id": [msg.NOT_YOUR_ORDER]}
    assert (aside.reason, aside.technician_id, aside.device_id) == ("forbidden", BRUNO, 80)


def test_wrong_form_type_and_unknown_version(store):
    result, _ = refused(store, reading_report(form_type="CUTOFF"))
    assert result["errors"] == {"form_type": [msg.WRONG_FORM_TYPE.format(expected="READING")]}
    result, _ = refused(store, reading_report(form_version=99))
    assert result["errors"] == {"form_version": [msg.UNKNOWN_FORM_VERSION]}


def nested(depth: int) -> object:
    value: object = "x"
    for _ in range(depth - 1):
        value = [value]
    return value


def test_nesting_limit_on_both_sides(store):
    # the report object is level 1, "answers" level 2: ten nested lists reach MAX_DEPTH exactly
    at_limit = reading_report()
    at_limit["answers"] = {**at_limit["answers"], "remarks": nested(MAX_DEPTH - 1)}
    result = push_report(store, ALICE, ALICE_DEVICE, at_limit, NOW)
    assert result["errors"] == {"remarks": ["Texte attendu."]}  # judged by the form, not refused for depth
    beyond = reading_report(uuid="6f1c2b8e-8d0a-4c55-9a43-1f0d2e3c4b5b")
    beyond["answers"] = {**beyond["answers"], "remarks": nested(MAX_DEPTH)}
    result = push_report(store, ALICE, ALICE_DEVICE, beyond, NOW)
    assert result["errors"] == {"_schema": [msg.TOO_DEEP.format(max=MAX_DEPTH)]}


def test_size_limit_is_judged_on_the_canonical_json(store):
    report = reading_report()
    report["answers"] = {**report["answers"], "remarks": "é" * (MAX_REPORT_BYTES // 2)}
    result = push_report(store, ALICE, ALICE_DEVICE, report, NOW)
    assert result["errors"] == {"_schema": [msg.REPORT_TOO_BIG.format(max=MAX_REPORT_BYTES)]}


@pytest.mark.parametrize("raw,errors", [
    ([1, 2], {"_schema": [msg.NOT_AN_OBJECT]}),
    ({"uuid": "6f1c2b8e-8d0a-4c55-9a43-1f0d2e3c4b5a", "x": float("nan")}, {"_schema": [msg.NOT_JSON_TEXT]}),
])
def test_not_a_report_at_all(store, raw, errors):
    result = push_report(store, ALICE, ALICE_DEVICE, raw, NOW)
    assert result["status"] == "rejected" and result["errors"] == errors and result["http_status"] == 422
    assert store.aside[-1].technician_id == ALICE


def test_an_unwritable_content_is_kept_aside_as_its_text(store):
    push_report(store, ALICE, ALICE_DEVICE, {"x": float("inf")}, NOW)
    aside = store.aside[-1]
    assert aside.content_hash == "" and aside.content == {"unreadable": "{'x': inf}"}
    assert aside.uuid is None


def test_a_uuid_is_only_read_from_a_well_formed_field(store):
    assert push_report(store, ALICE, ALICE_DEVICE, {"uuid": "not-a-uuid"}, NOW)["uuid"] is None
    assert push_report(store, ALICE, ALICE_DEVICE, {"uuid": 12}, NOW)["uuid"] is None


def test_push_reports_answers_each_in_order(store):
    good, bad = reading_report(), reading_report(uuid="6f1c2b8e-8d0a-4c55-9a43-1f0d2e3c4b5c", order_id=999)
    answers = push_reports(store, ALICE, ALICE_DEVICE, [bad, good], NOW)
    assert [a["status"] for a in answers] == ["rejected", "applied"]
    assert [a["uuid"] for a in answers] == [bad["uuid"], good["uuid"]]


def test_server_times_are_utc_with_milliseconds():
    paris = datetime(2026, 7, 1, 12, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert format_time(paris) == "2026-07-01T10:00:00.123+00:00"


@pytest.mark.parametrize("limit", [0, PULL_LIMIT_MAX + 1, True, "5", None])
def test_pull_page_size_outside_its_bounds_is_refused(store, limit):
    with pytest.raises(InvalidRequest) as refusal:
        pull_changes(store, ALICE, None, limit)
    assert refusal.value.fields == {"limit": [msg.OUT_OF_RANGE.format(min=1, max=PULL_LIMIT_MAX)]}


def test_pull_pages_end_exactly_when_nothing_is_left(store):
    total = len(pull_changes(store, ALICE, None, PULL_LIMIT_MAX)["orders"])
    assert total >= 2
    exact = pull_changes(store, ALICE, None, total)
    assert len(exact["orders"]) == total and exact["has_more"] is False
    short = pull_changes(store, ALICE, None, total - 1)
    assert len(short["orders"]) == total - 1 and short["has_more"] is True
    rest = pull_changes(store, ALICE, short["cursor"], PULL_LIMIT_MAX)
    assert len(rest["orders"]) == 1 and rest["has_more"] is False and rest["forms"] == []
    assert pull_changes(store, ALICE, None, 1)["forms"] != []  # a fresh tablet gets every form


def test_what_is_stored_for_a_report_names_who_sent_it_from_where_and_when(store):
    from sync.content import content_hash
    report = reading_report(outcome="absent", reason_code="nobody", device_seq=7,
                            answers={"remarks": "Volets fermés"}, attachments=[])
    device_clock = NOW + timedelta(minutes=30)
    [answer] = push_reports(store, ALICE, ALICE_DEVICE, [report], NOW, device_clock)
    assert answer["status"] == "applied", answer
    stored = store.contents[report["uuid"]]
    assert (stored.uuid, stored.content_hash, stored.content) == (report["uuid"], content_hash(report), report)
    assert (stored.technician_id, stored.device_id, stored.order_id, stored.order_version) == (
        ALICE, ALICE_DEVICE, report["order_id"], report["order_version"])
    assert (stored.form_type, stored.form_version, stored.device_seq, stored.outcome, stored.reason_code) == (
        "READING", 1, 7, "absent", "nobody")
    assert stored.device_time == datetime(2026, 3, 2, 8, 12, 30, tzinfo=timezone.utc)
    assert stored.received_at == NOW
    assert stored.flags == ({"flag": "clock_skew", "seconds": 1800},)  # the device clock given at sync is judged


def test_a_reason_code_is_judged_by_the_form(store):
    report = reading_report(outcome="absent", reason_code="dog", answers={"remarks": "Chien"}, attachments=[])
    result = push_report(store, ALICE, ALICE_DEVICE, report, NOW)
    assert result["errors"] == {"reason_code": ["Motif inconnu pour ce résultat."]}


def test_a_mismatch_is_kept_aside_with_who_sent_it(store):
    first = reading_report(index=1250)
    push_report(store, ALICE, ALICE_DEVICE, first, NOW)
    later = NOW + timedelta(hours=1)
    answer = push_report(store, ALICE, ALICE_DEVICE + 1, reading_report(index=1251), later)
    assert answer["status"] == "mismatch"
    aside = store.aside[-1]
    assert (aside.uuid, aside.reason, aside.technician_id, aside.device_id, aside.received_at) == (
        first["uuid"], "mismatch", ALICE, ALICE_DEVICE + 1, later)
    assert aside.errors == {"uuid": [msg.UUID_CONTENT_MISMATCH]}


def test_a_refusal_is_kept_aside_under_the_reports_uuid_with_its_errors(store):
    report = reading_report(order_id=999)
    push_report(store, ALICE, ALICE_DEVICE, report, NOW)
    aside = store.aside[-1]
    assert aside.uuid == report["uuid"] and aside.errors == {"order_id": [msg.UNKNOWN_ORDER]}


def test_a_report_of_exactly_the_maximum_size_is_not_refused_for_its_size(store):
    from sync.content import canonical_size
    report = reading_report()
    base = canonical_size({**report, "answers": {**report["answers"], "remarks": ""}})
    report["answers"] = {**report["answers"], "remarks": "x" * (MAX_REPORT_BYTES - base)}
    assert canonical_size(report) == MAX_REPORT_BYTES
    result = push_report(store, ALICE, ALICE_DEVICE, report, NOW)
    assert msg.REPORT_TOO_BIG.format(max=MAX_REPORT_BYTES) not in str(result)
