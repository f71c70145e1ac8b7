"""Wire schemas: unknown fields, wrong types and oversized input are refused in French."""
import pytest
from marshmallow import ValidationError

from sync.content import canonical_json, content_hash
from sync.errors import InvalidRequest
from sync.schemas import (DeviceEnrolmentSchema, ReportSchema, load_pull_query, load_push_request)

from tests.unit.sync_world import blob, reading_report

UUID = "6f1c2b8e-8d0a-4c55-9a43-1f0d2e3c4b5a"


def errors_of(data):
    with pytest.raises(ValidationError) as caught:
        ReportSchema().load(data)
    return caught.value.messages


def test_valid_report_loads_unchanged():
    report = reading_report()
    assert ReportSchema().load(report) == report


def test_optional_fields_may_be_left_out():
    report = reading_report()
    for key in ("reason_code", "attachments", "position", "started_at", "finished_at", "countersignature"):
        del report[key]
    report["answers"] = {}
    assert ReportSchema().load(report) == report


def test_unknown_field_is_refused():
    assert errors_of({**reading_report(), "is_admin": True}) == {"is_admin": ["Champ inconnu."]}


def test_unknown_field_in_an_attachment_is_refused():
    report = reading_report()
    report["attachments"][0]["exif"] = "..."
    assert "exif" in errors_of(report)["attachments"][0]


@pytest.mark.parametrize("field,value", [
    ("order_id", "101"), ("order_id", 101.5), ("order_id", True), ("order_id", 0),
    ("order_version", None), ("device_seq", -1), ("device_seq", 2**60),
    ("uuid", "123"), ("uuid", 42), ("form_type", "HACK"), ("outcome", "maybe"),
    ("device_time", "2026-03-02 09:12"),  # no offset
    ("device_time", "yesterday"), ("answers", []), ("answers", "x"),
    ("position", {"lat": 91, "lon": 0}), ("position", {"lat": "44", "lon": 0}),
    ("attachments", {}), ("reason_code", 12), ("reason_code", "x" * 65),
    ("countersignature", "yes"),
])
def test_wrong_type_or_value_is_refused_on_that_field(field, value):
    messages = errors_of({**reading_report(), field: value})
    assert list(messages) == [field]


@pytest.mark.parametrize("key,value", [
    ("sha256", "ABC"), ("sha256", blob("x").upper()), ("kind", "video"),
    ("content_type", "image/gif"), ("size", 0), ("size", "48213"), ("lat", float("nan")),
])
def test_wrong_attachment_is_refused(key, value):
    report = reading_report()
    report["attachments"][0][key] = value
    assert key in errors_of(report)["attachments"][0]


def test_missing_required_fields_are_named():
    messages = errors_of({"uuid": reading_report()["uuid"]})
    assert set(messages) == {"order_id", "order_version", "form_type", "form_version", "device_seq",
                             "device_time", "outcome", "answers"}
    assert messages["order_id"] == ["Champ obligatoire."]


def test_too_many_answers_or_attachments_are_refused():
    assert "answers" in errors_of({**reading_report(), "answers": {f"f{i}": 1 for i in range(201)}})
    attachments = [reading_report()["attachments"][0]] * 41
    assert "attachments" in errors_of({**reading_report(), "attachments": attachments})


def test_push_envelope_is_bounded_to_fifty_reports():
    assert len(load_push_request({"reports": [{}] * 50})[0]) == 50
    with pytest.raises(InvalidRequest) as caught:
        load_push_request({"reports": [{}] * 51})
    assert caught.value.http_status == 422 and "reports" in caught.value.fields


@pytest.mark.parametrize("body", [None, [], "x", {}, {"reports": []}, {"reports": {}},
                                  {"reports": [1]}, {"reports": [{}], "extra": 1},
                                  {"reports": [{}], "countersignature_proofs": {"not-a-uuid": "a" * 64}},
                                  {"reports": [{}], "countersignature_proofs": {UUID: "A" * 64}},
                                  {"reports": [{}], "countersignature_proofs": {UUID: "code1234"}},
                                  {"reports": [{}], "countersignature_proofs": [UUID]}])
def test_malformed_push_envelope_is_refused(body):
    with pytest.raises(InvalidRequest) as caught:
        load_push_request(body)
    assert caught.value.to_dict()["error"] == "invalid_request" and caught.value.fields


def test_E7_push_envelope_carries_countersignature_proofs_beside_the_reports():
    reports, proofs = load_push_request({"reports": [{}], "countersignature_proofs": {UUID: "a" * 64}})
    assert reports == [{}] and proofs == {UUID: "a" * 64}
    assert load_push_request({"reports": [{}]})[1] == {}


def test_pull_query_defaults_and_bounds():
    assert load_pull_query({}) == {"cursor": "", "limit": 100}
    assert load_pull_query({"cursor": "abc", "limit": "20"}) == {"cursor": "abc", "limit": 20}
    for args in ({"limit": "0"}, {"limit": "501"}, {"limit": "ten"}, {"page": "2"}):
        with pytest.raises(InvalidRequest):
            load_pull_query(args)


def test_enrolment_is_strict():
    assert DeviceEnrolmentSchema().load({"login": "a", "password": "p", "device_name": "T1"})
    with pytest.raises(ValidationError):
        DeviceEnrolmentSchema().load({"login": "a", "password": "p", "device_name": "T1", "role": "admin"})
    with pytest.raises(ValidationError):
        DeviceEnrolmentSchema().load({"login": "", "password": "p", "device_name": "T1"})


def test_canonical_json_is_the_contracts():
    assert canonical_json({"b": 1, "a": {"é": [1, 2.5, None]}}) == '{"a":{"é":[1,2.5,null]},"b":1}'
    report = reading_report()
    assert content_hash(report) == content_hash(dict(reversed(list(report.items()))))
    assert content_hash(report) != content_hash({**report, "device_seq": 2})
