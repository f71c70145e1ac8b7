"""Each validation rule of forms/, one table per field type, plus what JSON cannot carry to the tablet
(NaN, hostile contexts) and a fuzz run proving that nothing a tablet sends raises."""
import json
import random
from pathlib import Path

import pytest

from forms import get_definition, load_definitions, validate_submission
from forms.fields import is_blank

PHOTO, OTHER_PHOTO = "a" * 64, "c" * 64
SIG = {"sha256": "b" * 64, "signer_name": "Julien Roux", "strokes": [[[10, 10], [20, 25]]]}
CONTEXT = {"meter_serial": "W2500000001", "dials": 5, "previous_index": 800, "plausible_min": 800, "plausible_max": 900}
READING = {"meter_serial": "W2500000001", "index": 842, "photo_index": [PHOTO], "sig_technician": SIG}


def reading_errors(context=CONTEXT, outcome="done", reason_code=None, **changes) -> dict:
    answers = {**READING, **changes}
    return validate_submission(get_definition("READING"), outcome, answers, context, reason_code)


def test_a_complete_reading_is_valid():
    assert reading_errors() == {}


@pytest.mark.parametrize("changes,context,in_error", [
    ({"index": 99999, "confirm_implausible": True}, CONTEXT, False),  # the last value 5 dials can show
    ({"index": 100000, "confirm_implausible": True}, CONTEXT, True),   # 10**dials needs a sixth dial
    ({"index": 0}, {**CONTEXT, "previous_index": None, "plausible_min": None}, False),
    ({"index": 799}, CONTEXT, True),                                    # backwards
    ({"index": 799, "rollover": True, "confirm_implausible": True}, CONTEXT, False),
    ({"index": 800}, CONTEXT, False),                                   # unchanged is fine
    ({"index": 900}, CONTEXT, False),                                   # range bounds are inclusive
    ({"index": 901}, CONTEXT, True),
    ({"index": 901, "confirm_implausible": True}, CONTEXT, False),
    ({"index": 901, "rollover": True}, CONTEXT, True),                  # a rollover never excuses the range
    ({"index": 10 ** 30}, {**CONTEXT, "dials": None, "plausible_max": None}, False),
])
def test_index_dials_previous_index_and_plausible_range(changes, context, in_error):
    assert ("index" in reading_errors(context=context, **changes)) is in_error


def test_an_implausible_index_needs_a_photo_even_when_the_outcome_does_not():
    answers = {"found": "nobody", "index": 950, "confirm_implausible": True, "remarks": "vide"}
    errors = validate_submission(get_definition("INVESTIGATION"), "refused", answers, CONTEXT)
    assert "index" in errors and "photo_index" not in errors
    answers["photo_index"] = [PHOTO]
    assert validate_submission(get_definition("INVESTIGATION"), "refused", answers, CONTEXT) == {}


@pytest.mark.parametrize("typed,order_serial,outcome,in_error", [
    ("W2500000001", "W2500000001", "done", False),
    (" w2500000001\t", "W2500000001 ", "done", False),
    ("W2500000002", "W2500000001", "done", True),
    ("W2500000002", "W2500000001", "anomaly", False),
    ("W2500000002", None, "done", False),
])
def test_a_serial_that_is_not_the_orders_meter_must_be_declared_as_an_anomaly(typed, order_serial, outcome, in_error):
    reason = "serial_mismatch" if outcome == "anomaly" else None
    errors = reading_errors(context={**CONTEXT, "meter_serial": order_serial}, outcome=outcome, reason_code=reason,
                            meter_serial=typed, remarks="plaque")
    assert ("meter_serial" in errors) is in_error
    if in_error:
        assert "anomalie" in errors["meter_serial"][0]


SERIAL_CHECKS = json.loads((Path(__file__).resolve().parents[2] / "fixtures/forms/serial_checks.json").read_text())


@pytest.mark.parametrize("check", SERIAL_CHECKS, ids=[f"{c['typed']}-{c['says']}" for c in SERIAL_CHECKS])
def test_a_serial_one_character_off_asks_to_check_the_typing_not_to_declare_an_anomaly(check):
    """The same table is replayed by the tablet's validator (tests/e2e/test_pwa_modules.py)."""
    context = {**CONTEXT, "meter_serial": check["expected"]}
    messages = reading_errors(context=context, meter_serial=check["typed"]).get("meter_serial", [])
    says = None if not messages else ("typo" if messages[0].startswith("Vérifiez la saisie") else "other")
    assert says == check["says"], messages


@pytest.mark.parametrize("photos,in_error", [
    ([PHOTO], False), ([PHOTO, OTHER_PHOTO, "d" * 64], False), ([PHOTO, OTHER_PHOTO, "d" * 64, "e" * 64], True),
    ([PHOTO, PHOTO], True), (["A" * 64], True), (["a" * 63], True), ([PHOTO + "\n"], True), ([None], True),
    (PHOTO, True), ({"sha256": PHOTO}, True), ([], True),
])
def test_photos_are_lowercase_sha256_hashes_within_the_count(photos, in_error):
    assert ("photo_index" in reading_errors(photo_index=photos)) is in_error


@pytest.mark.parametrize("signature,in_error", [
    (SIG, False),
    ({**SIG, "strokes": [[[1.5, -2.25]], [[0, 0], [799, 299]]]}, False),
    ({**SIG, "signer_name": ""}, True),
    ({**SIG, "signer_name": "x" * 121}, True),
    ({**SIG, "sha256": "B" * 64}, True),
    ({**SIG, "strokes": []}, True),
    ({**SIG, "strokes": [[]]}, True),
    ({**SIG, "strokes": [[[1, 2, 3]]]}, True),
    ({**SIG, "strokes": [[[True, 2]]]}, True),
    ({**SIG, "strokes": [[[float("nan"), 2]]]}, True),
    ({**SIG, "strokes": [[[float("inf"), 2]]]}, True),
    ({**SIG, "strokes": [[[10 ** 6, 2]]]}, True),
    ({**SIG, "strokes": [[[1, 1]] * 5001]}, True),
    ({**SIG, "strokes": [[[1, 1]]] * 201}, True),
    ({**SIG, "pressure": [0.4]}, True),   # PITFALLS 22: points only, never pressure or speed
    ({"sha256": None, "signer_name": " ", "strokes": []}, True),  # an unsigned pad is a missing signature
    ("signed", True),
])
def test_signatures(signature, in_error):
    errors = reading_errors(outcome="anomaly", reason_code="broken", remarks="vitre cassée", sig_technician=signature)
    assert ("sig_technician" in errors) is in_error


def test_a_plain_reading_needs_no_signature_an_anomaly_does():
    unsigned = {"sha256": None, "signer_name": "", "strokes": []}
    assert reading_errors(sig_technician=unsigned) == {}
    assert "sig_technician" in reading_errors(outcome="anomaly", reason_code="broken", remarks="x", sig_technician=unsigned)
    version_1 = validate_submission(get_definition("READING", 1), "done", {**READING, "sig_technician": unsigned}, CONTEXT)
    assert list(version_1) == ["sig_technician"]     # reports captured against version 1 still validate as then


STEPS = [s["id"] for s in next(f for f in get_definition("REMOVAL")["fields"] if f["id"] == "safety_steps")["steps"]]
REMOVAL = {"meter_serial": "E1", "index": 5400, "photo_index": [PHOTO], "safety_steps": STEPS, "seal_number": "PL-1",
           "premises_remarks": "none", "sig_technician": SIG, "remarks": "arrêt"}
ELEC = {"meter_serial": "E1", "dials": 6, "previous_index": 5000, "plausible_min": 5000, "plausible_max": 6000}


@pytest.mark.parametrize("ticked,outcome,in_error", [
    (STEPS, "done", False),
    (STEPS[:7], "done", True),                     # required: all of them
    (STEPS[:3], "anomaly", False),                 # stopped midway: a prefix, in order
    ([STEPS[0], STEPS[2]], "anomaly", True),       # a step skipped
    (STEPS[1:], "done", True),
    (list(reversed(STEPS)), "done", True),
    (STEPS + STEPS[:1], "done", True),
    (STEPS[:7] + ["s9_extra"], "done", True),
    ([1, 2, 3], "done", True),
])
def test_E10_the_safety_checklist_is_ticked_in_the_annex_order(ticked, outcome, in_error):
    reason = "dangerous" if outcome == "anomaly" else None
    errors = validate_submission(get_definition("REMOVAL"), outcome, {**REMOVAL, "safety_steps": ticked}, ELEC, reason)
    assert ("safety_steps" in errors) is in_error


@pytest.mark.parametrize("remarks,in_error", [("x" * 2000, False), ("x" * 2001, True), ("é" * 2000, False), (["x"], True)])
def test_text_length_is_counted_in_characters(remarks, in_error):
    assert ("remarks" in reading_errors(outcome="refused", remarks=remarks)) is in_error


@pytest.mark.parametrize("value,in_error", [("rotten_panel", False), ("Rotten_panel", True), ("", False), (None, False),
                                            (1, True), (["none"], True)])
def test_choices_are_one_of_the_options(value, in_error):
    answers = {**REMOVAL, "premises_remarks": value}
    errors = validate_submission(get_definition("REMOVAL"), "refused", answers, ELEC)  # optional there
    assert ("premises_remarks" in errors) is in_error


@pytest.mark.parametrize("person,in_error", [
    ({"name": "Mme Diallo", "phone": "+229 97 00 00 00", "email": "diallo@example.bj"}, False),
    ({"name": "Mme Diallo", "phone": "", "email": ""}, False),
    ({"name": "Mme Diallo"}, False),
    ({"name": "Mme Diallo", "phone": "12"}, True),
    ({"name": "Mme Diallo", "email": "diallo at example"}, True),
    ({"name": "Mme Diallo", "email": 3}, True),
    ({"phone": "0612345678"}, True),
    ({"name": "Mme Diallo", "iban": "FR76..."}, True),  # W24: nothing beyond what the procedure needs
])
def test_W8_the_new_occupant_is_a_person_with_a_name(person, in_error):
    answers = {"found": "new_occupant", "new_occupant": person, "index": 850, "photo_index": [PHOTO],
               "sig_technician": SIG}
    errors = validate_submission(get_definition("INVESTIGATION"), "done", answers, CONTEXT)
    assert ("new_occupant" in errors) is in_error


def test_requirements_come_from_the_outcome_and_from_other_answers():
    cutoff = get_definition("CUTOFF")
    base = {"meter_serial": "E1", "index": 5300, "photo_index": [PHOTO], "cutoff_done": True, "seal_number": "S1",
            "requester_present": False, "sig_technician": SIG}
    assert validate_submission(cutoff, "done", base, ELEC) == {}
    errors = validate_submission(cutoff, "done", {**base, "requester_present": True}, ELEC)
    assert list(errors) == ["sig_requester"] and "Demandeur présent" in errors["sig_requester"][0]
    assert validate_submission(cutoff, "absent", {"remarks": "personne"}, ELEC) == {}
    assert set(validate_submission(cutoff, "absent", {}, ELEC)) == {"remarks"}


def test_a_condition_compares_json_values_strictly():
    cutoff = get_definition("CUTOFF")
    errors = validate_submission(cutoff, "absent", {"remarks": "x", "requester_present": 1}, ELEC)
    assert set(errors) == {"requester_present"}  # 1 is not true: a type error, and no signature demanded


@pytest.mark.parametrize("value,blank", [(None, True), ("", True), ("  \n", True), ([], True), ({}, True),
                                         ({"name": "", "phone": None}, True), (False, False), (0, False),
                                         ("0", False), ([None], False), ({"name": "x"}, False)])
def test_what_counts_as_not_answered(value, blank):
    assert is_blank(value) is blank


@pytest.mark.parametrize("context", [None, [], "W25", {"dials": "5"}, {"dials": 10 ** 9}, {"dials": True},
                                     {"previous_index": "800"}, {"plausible_min": -3.5}, {"meter_serial": 42}])
def test_a_malformed_order_context_only_skips_the_checks_it_feeds(context):
    assert reading_errors(context=context) == {}


@pytest.mark.parametrize("outcome", [None, 3, ["done"], "", "DONE"])
def test_an_unknown_outcome_is_an_error_on_outcome(outcome):
    assert list(reading_errors(outcome=outcome)) == ["outcome"]


HOSTILE = [None, True, False, 0, -1, 10 ** 40, 1.5, float("nan"), "", " ", "x" * 5000, "a" * 64, [], [None], [[[]]],
           [[1, 2]], ["a" * 64] * 30, {}, {"name": None}, {"sha256": "b" * 64}, {"$where": "1"}, [{}], {"strokes": "x"},
           {"sha256": "b" * 64, "signer_name": "x", "strokes": [[["1", 2]]]}]


def test_nothing_a_tablet_sends_raises_an_exception():
    """Every field of every definition with hostile values, alone and mixed, under every outcome."""
    rng = random.Random(20260302)
    for (order_type, version), definition in sorted(load_definitions().items()):
        ids = [f["id"] for f in definition["fields"]] + ["ghost"]
        outcomes = [o["code"] for o in definition["outcomes"]]
        for _ in range(300):
            answers = {fid: rng.choice(HOSTILE) for fid in rng.sample(ids, rng.randint(0, len(ids)))}
            reason = rng.choice([None, "broken", "serial_mismatch", 7, ["x"]])
            context = rng.choice([CONTEXT, ELEC, {}, None, {"dials": 1, "previous_index": 0}])
            errors = validate_submission(definition, rng.choice(outcomes), answers, context, reason)
            assert isinstance(errors, dict)
            assert all(isinstance(k, str) and v and all(isinstance(m, str) for m in v) for k, v in errors.items())
            json.dumps(errors)


@pytest.mark.parametrize("answers", [None, [], "x", 3, ["index", 842]])
def test_answers_that_are_not_an_object_are_one_error(answers):
    for definition in load_definitions().values():
        assert list(validate_submission(definition, "done", answers, CONTEXT)) == ["answers"]
