"""Reconciliation checks of a synced report (issue 6 item 3): one flag per suspicious fact."""
from datetime import date, datetime, timedelta, timezone

import pytest

from server.services.rules.checks import (PastReading, ReportFacts, haversine_metres, is_clean, run_checks)

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
DEFINITION = {"type": "READING", "version": 1,
              "outcomes": [{"code": "done", "requires": ["meter_serial", "index", "dials_photo"]},
                           {"code": "absent", "requires": ["remarks"]}],
              "fields": [
    {"id": "meter_serial", "type": "serial"},
    {"id": "index", "type": "index"},
    {"id": "dials_photo", "type": "photo", "label": "Photo du cadran"},
    {"id": "customer_present", "type": "boolean"},
    {"id": "customer_signature", "type": "signature", "label": "Signature du client", "required_when": {"customer_present": True}},
]}
SIGNATURE = {"sha256": "b" * 64, "signer_name": "M. Client", "strokes": [[[1, 2], [3, 4]]]}


def facts(**overrides) -> ReportFacts:
    base = dict(outcome="done", received_at=NOW, device_time=NOW - timedelta(minutes=3),
                answers={"meter_serial": "W19-000101", "index": 1250, "dials_photo": ["a" * 64],
                         "customer_signature": SIGNATURE},
                position={"lat": 44.4081, "lon": 0.7046, "accuracy": 8}, point_lat=44.40812, point_lon=0.70459,
                meter_serial="W19-000101", dials=5, reading_mode="manual", definition=DEFINITION,
                history=[PastReading(date(2025, 9, 14), 1204, "agent"), PastReading(date(2025, 3, 14), 1100, "agent")])
    base.update(overrides)
    return ReportFacts(**base)


def codes(f: ReportFacts) -> set[str]:
    return {flag.code for flag in run_checks(f)}


def test_a_coherent_report_is_clean():
    assert is_clean(run_checks(facts()))


@pytest.mark.parametrize("overrides,expected", [
    ({"answers": {"meter_serial": "W19-000101", "index": 1100, "dials_photo": ["a" * 64], "customer_signature": SIGNATURE}}, "index_backwards"),
    ({"answers": {"meter_serial": "W19-000101", "index": 3, "rollover": True, "dials_photo": ["a" * 64], "customer_signature": SIGNATURE}}, "rollover"),
    ({"answers": {"meter_serial": "W19-000101", "index": 9000, "dials_photo": ["a" * 64], "customer_signature": SIGNATURE}}, "implausible_consumption"),
    ({"answers": {"meter_serial": "X-1", "index": 1250, "dials_photo": ["a" * 64], "customer_signature": SIGNATURE}}, "serial_mismatch"),
    ({"answers": {"meter_serial": "W19-000101", "index": 1250, "customer_signature": SIGNATURE}}, "missing_photo"),
    ({"answers": {"meter_serial": "W19-000101", "index": 1250, "dials_photo": ["a" * 64], "customer_present": True}}, "missing_signature"),
    ({"form_errors": {"index": ["L'index doit être un entier."]}}, "correction_invalid"),
    ({"missing_blobs": ["a" * 64]}, "missing_blobs"),
    ({"position": {"lat": 44.42, "lon": 0.7046, "accuracy": 5}}, "position_far"),
    ({"sync_flags": [{"flag": "clock_skew", "seconds": -1800}]}, "clock_skew"),
    ({"device_time": NOW + timedelta(minutes=25)}, "clock_skew"),
    ({"conflict": "cancelled"}, "conflict_cancelled"),
    ({"conflict": "reassigned"}, "conflict_reassigned"),
    ({"sync_flags": [{"flag": "order_version", "captured": 1, "current": 2}]}, "order_changed"),
    ({"quarantined": 1}, "duplicate_aside"),
])
def test_each_suspicious_fact_raises_its_flag(overrides, expected):
    assert expected in codes(facts(**overrides))


def test_remote_read_meter_index_behind_the_warehouse_is_flagged():
    history = [PastReading(date(2026, 3, 1), 1300, "remote"), PastReading(date(2025, 9, 14), 1204, "agent")]
    assert "remote_mismatch" in codes(facts(reading_mode="remote", history=history))


def test_remote_read_meter_without_recent_data_is_a_remote_reading_failure():
    history = [PastReading(date(2025, 9, 14), 1204, "remote")]
    assert "remote_no_data" in codes(facts(reading_mode="remote", history=history))


def test_an_old_offline_capture_is_not_a_clock_skew():
    assert "clock_skew" not in codes(facts(device_time=NOW - timedelta(days=3)))


def test_position_within_500_metres_is_fine():
    assert "position_far" not in codes(facts(position={"lat": 44.4110, "lon": 0.7046, "accuracy": 20}))


def test_haversine_one_degree_of_latitude_is_about_111_km():
    assert 110_000 < haversine_metres(44.0, 0.7, 45.0, 0.7) < 112_000


def test_absent_outcome_needs_no_photo():
    assert is_clean(run_checks(facts(outcome="absent", answers={})))
