"""Reconciliation checks at their exact limits, each flag with its code, severity and message, and nothing
else raised (500 m, 10 minutes, 30 days, the plausible-consumption margin)."""
import math
from datetime import date, datetime, timedelta, timezone

import pytest

from server.services.rules.checks import (BLOCKING, WARNING, Flag, PastReading, field_ids, required_fields,
                                          run_checks)
from tests.unit.test_checks_reconciliation import DEFINITION, NOW, SIGNATURE, facts

PHOTO = ["a" * 64]


def answers(**changes):
    base = {"meter_serial": "W19-000101", "index": 1250, "dials_photo": PHOTO, "customer_signature": SIGNATURE}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def flags(**overrides):
    return run_checks(facts(**overrides))


def test_index_below_the_last_one_is_blocking_unless_a_rollover_is_declared():
    assert flags(answers=answers(index=1203)) == [
        Flag("index_backwards", BLOCKING, "Index 1203 inférieur au dernier index connu 1204 du 14/09/2025.")]
    assert flags(answers=answers(index=1204)) == []
    assert flags(answers=answers(index=3, rollover_confirmed=True)) == [
        Flag("rollover", WARNING, "Passage à zéro déclaré : index 3 après 1204.")]
    assert flags(answers=answers(index=3, rollover_confirmed=False))[0].code == "index_backwards"


def test_plausible_consumption_is_three_times_the_usual_rate_since_the_last_index():
    # 104 units in 184 days, 169 days ago: 3 × 104/184 × 169 = 286.6 → 286 units
    assert flags(answers=answers(index=1204 + 286)) == []
    assert flags(answers=answers(index=1204 + 287)) == [
        Flag("implausible_consumption", WARNING, "Consommation de 287 depuis le 14/09/2025, au-delà du plausible.")]


def test_plausible_consumption_never_below_fifty_units():
    single = [PastReading(date(2026, 3, 1), 1000, "agent")]
    assert flags(history=single, answers=answers(index=1050)) == []
    assert flags(history=single, answers=answers(index=1051)) == [
        Flag("implausible_consumption", WARNING, "Consommation de 51 depuis le 01/03/2026, au-delà du plausible.")]


def test_estimated_readings_are_not_trusted_as_the_last_index():
    history = [PastReading(date(2026, 2, 1), 1300, "estimated"), PastReading(date(2025, 9, 14), 1204, "agent"),
               PastReading(date(2025, 3, 14), 1100, "agent")]
    assert flags(history=history) == []


def test_a_boolean_is_not_an_index():
    assert flags(answers=answers(index=True)) == []


@pytest.mark.parametrize("serial,expected", [
    (" w19-000101 ", []),
    ("W19-000102", [Flag("serial_mismatch", BLOCKING,
                         "Numéro de compteur relevé W19-000102 différent du compteur de l'ordre W19-000101.")]),
    ("", []),
])
def test_serial_read_on_site_against_the_order_meter(serial, expected):
    assert flags(answers=answers(meter_serial=serial)) == expected


def test_no_serial_check_when_the_order_has_no_meter():
    assert flags(meter_serial=None, answers=answers(meter_serial="ANY")) == []


def test_required_evidence_missing_is_blocking():
    assert flags(answers=answers(dials_photo=None)) == [
        Flag("missing_photo", BLOCKING, "Photo obligatoire manquante : Photo du cadran.")]
    assert flags(answers=answers(customer_present=True, customer_signature={"signer_name": "X", "strokes": []})) == [
        Flag("missing_signature", BLOCKING, "Signature obligatoire manquante : Signature du client.")]
    assert flags(answers=answers(customer_present=False, customer_signature=None)) == []


def test_blobs_not_received_and_an_invalid_correction_are_blocking():
    assert flags(missing_blobs=["a" * 64, "b" * 64]) == [
        Flag("missing_blobs", BLOCKING, "2 photo(s) ou signature(s) pas encore reçue(s) du terminal.")]
    assert flags(form_errors={"index": ["L'index doit être un entier.", "Autre."]}) == [
        Flag("correction_invalid", BLOCKING,
             "Version corrigée refusée par le formulaire (index) : L'index doit être un entier. Autre.")]


def north_of_the_point(metres: float) -> dict:
    return {"lat": 44.40812 + math.degrees(metres / 6_371_000), "lon": 0.70459, "accuracy": 5}


def test_position_limit_is_500_metres():
    assert flags(position=north_of_the_point(499)) == []
    assert flags(position=north_of_the_point(501)) == [
        Flag("position_far", WARNING, "Saisie à 0,5 km du point de livraison.")]
    assert flags(position=north_of_the_point(2400)) == [
        Flag("position_far", WARNING, "Saisie à 2,4 km du point de livraison.")]
    assert flags(position={"lat": None, "lon": 0.7}) == [] and flags(point_lat=None, position=north_of_the_point(900)) == []


@pytest.mark.parametrize("seconds,expected", [
    (600, []), (-600, []),
    (601, [Flag("clock_skew", WARNING, "Horloge du terminal décalée de 10 min (en avance).")]),
    (-601, [Flag("clock_skew", WARNING, "Horloge du terminal décalée de 10 min (en retard).")]),
    (-3600, [Flag("clock_skew", WARNING, "Horloge du terminal décalée de 60 min (en retard).")]),
])
def test_clock_skew_measured_at_sync_beyond_ten_minutes(seconds, expected):
    assert flags(sync_flags=[{"flag": "clock_skew", "seconds": seconds}]) == expected


def test_a_report_dated_more_than_ten_minutes_ahead_of_its_receipt():
    assert flags(device_time=NOW + timedelta(seconds=600)) == []
    assert flags(device_time=NOW + timedelta(seconds=601)) == [
        Flag("clock_skew", WARNING, "Horloge du terminal décalée de 10 min (en avance).")]
    naive = (NOW + timedelta(minutes=25)).replace(tzinfo=None)  # SQLite gives naive UTC back
    assert flags(device_time=naive, received_at=NOW.replace(tzinfo=None))[0].message.endswith("25 min (en avance).")


def test_conflicts_and_a_changed_order():
    assert flags(conflict="cancelled") == [
        Flag("conflict_cancelled", BLOCKING, "L'ordre a été annulé pendant l'intervention.")]
    assert flags(conflict="reassigned") == [
        Flag("conflict_reassigned", BLOCKING, "L'ordre a été réaffecté à un autre technicien.")]
    assert flags(sync_flags=[{"flag": "order_version"}]) == [
        Flag("order_changed", WARNING, "L'ordre a été modifié après la saisie sur le terminal.")]
    assert flags(quarantined=2) == [
        Flag("duplicate_aside", BLOCKING, "2 autre(s) contenu(s) reçu(s) sous le même identifiant, mis de côté.")]


def test_remote_read_meter_data_is_recent_for_30_days():
    def remote_on(day):
        return [PastReading(day, 1240, "remote"), PastReading(date(2025, 9, 14), 1204, "agent")]
    assert flags(reading_mode="remote", history=remote_on(date(2026, 1, 31))) == []
    assert flags(reading_mode="remote", history=remote_on(date(2026, 1, 30))) == [
        Flag("remote_no_data", WARNING, "Compteur télérelevé sans donnée récente dans l'entrepôt (W22).")]
    assert flags(reading_mode="remote", history=[PastReading(date(2026, 3, 1), 1251, "remote")]) == [
        Flag("index_backwards", BLOCKING, "Index 1250 inférieur au dernier index connu 1251 du 01/03/2026."),
        Flag("remote_mismatch", BLOCKING, "Index 1250 inférieur à la télérelève 1251 du 01/03/2026.")]
    assert flags(reading_mode="remote", history=[PastReading(date(2026, 3, 1), 1250, "remote")]) == []


def test_flags_come_in_the_cockpit_order():
    assert [f.code for f in flags(answers=answers(index=1100, meter_serial="X"), conflict="cancelled",
                                  quarantined=1)] == ["index_backwards", "serial_mismatch", "conflict_cancelled",
                                                      "duplicate_aside"]


def test_fields_by_type_and_what_an_outcome_requires():
    assert field_ids(None, "index", "index") == ["index"]
    assert field_ids(DEFINITION, "serial", "meter_serial") == ["meter_serial"]
    assert field_ids(DEFINITION, "gps", "position") == ["position"]
    assert [f["id"] for f in required_fields(DEFINITION, "done", {})] == ["meter_serial", "index", "dials_photo"]
    assert [f["id"] for f in required_fields(DEFINITION, "done", {"customer_present": True})] == [
        "meter_serial", "index", "dials_photo", "customer_signature"]
    definition = {"outcomes": [], "fields": [{"id": "seal", "type": "photo", "required_for": ["done"]}]}
    assert [f["id"] for f in required_fields(definition, "done", {})] == ["seal"]
    assert required_fields(definition, "absent", {}) == [] and required_fields(None, "done", {}) == []


def test_a_naive_device_time_against_an_aware_receipt_is_read_as_utc():
    naive = (NOW + timedelta(minutes=25)).replace(tzinfo=None)
    assert flags(device_time=naive) == [Flag("clock_skew", WARNING, "Horloge du terminal décalée de 25 min (en avance).")]


def test_the_clock_skew_flag_is_found_among_other_sync_flags():
    assert [f.code for f in flags(sync_flags=[{"flag": "order_version"}, "noise",
                                              {"flag": "clock_skew", "seconds": 900}])] == ["clock_skew",
                                                                                            "order_changed"]


def test_fields_are_found_by_type_whatever_their_id():
    definition = {"outcomes": [{"code": "done", "requires": []}],
                  "fields": [{"id": "found_serial", "type": "serial"}, {"id": "reading", "type": "index"}]}
    answers_by_id = {"found_serial": "X-9", "reading": 1100}
    assert [f.code for f in flags(definition=definition, answers=answers_by_id)] == ["index_backwards",
                                                                                     "serial_mismatch"]
    assert [f.code for f in flags(definition=None, answers={"meter_serial": "X-9", "index": 1100})] == [
        "index_backwards", "serial_mismatch"]


def test_a_signature_with_its_image_is_present_and_an_unlabelled_field_is_named_by_its_id():
    assert flags(answers=answers(customer_present=True)) == []
    definition = {"outcomes": [{"code": "done", "requires": ["seal_photo"]}],
                  "fields": [{"id": "seal_photo", "type": "photo"}]}
    assert flags(definition=definition, answers={}) == [
        Flag("missing_photo", BLOCKING, "Photo obligatoire manquante : seal_photo.")]


def test_what_an_outcome_requires_when_the_definition_leaves_lists_out():
    assert required_fields({"outcomes": [{"code": "done"}], "fields": [{"id": "x", "type": "text"}]}, "done", {}) == []
    assert required_fields({"fields": [{"id": "x", "type": "text", "required_for": ["done"]}]}, "done", {}) == [
        {"id": "x", "type": "text", "required_for": ["done"]}]
    assert required_fields({"outcomes": [{"code": "done", "requires": ["x"]}]}, "done", {}) == []


def test_plausible_rate_from_the_last_two_trusted_readings():
    flat = [PastReading(date(2026, 1, 31), 1000, "agent"), PastReading(date(2026, 1, 30), 1000, "agent")]
    assert [f.code for f in flags(history=flat, answers=answers(index=1051))] == ["implausible_consumption"]
    same_day = [PastReading(date(2026, 3, 2), 1000, "agent"), PastReading(date(2026, 3, 2), 900, "agent")]
    assert [f.code for f in flags(history=same_day, answers=answers(index=1051))] == ["implausible_consumption"]
    fast = [PastReading(date(2026, 3, 2), 1000, "agent"), PastReading(date(2026, 3, 1), 980, "agent")]
    assert flags(history=fast, answers=answers(index=1060)) == []     # 3 × 20 × 1 day
    assert [f.code for f in flags(history=fast, answers=answers(index=1061))] == ["implausible_consumption"]
    month_old = [PastReading(date(2026, 1, 31), 1000, "agent")]
    assert [f.code for f in flags(history=month_old, answers=answers(index=1051))] == ["implausible_consumption"]


def cosine_law_metres(lat1, lon1, lat2, lon2):
    """An independent great-circle formula (spherical law of cosines) to check the haversine."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    return 6_371_000 * math.acos(min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)))


@pytest.mark.parametrize("a,b", [((0, 0), (1, 0)), ((60, 0), (60, 1)), ((44.4, 0.7), (6.37, 2.39)),
                                 ((-33.9, 18.4), (51.5, -0.1))])
def test_haversine_agrees_with_the_law_of_cosines(a, b):
    from server.services.rules.checks import haversine_metres
    assert haversine_metres(*a, *b) == pytest.approx(cosine_law_metres(*a, *b), abs=0.5)


def test_the_distance_is_shown_in_kilometres_rounded_to_a_tenth():
    assert flags(position=north_of_the_point(550.3)) == [
        Flag("position_far", WARNING, "Saisie à 0,6 km du point de livraison.")]
