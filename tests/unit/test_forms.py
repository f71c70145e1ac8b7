"""The field-form definitions and their public API; the golden cases shared with the tablet."""
import json
from pathlib import Path

import pytest

from forms import current_versions, get_definition, load_definitions, validate_submission

ROOT = Path(__file__).resolve().parents[2]
CASES = json.loads((ROOT / "fixtures/forms/cases.json").read_text(encoding="utf-8"))
ORDER_TYPES = {"READING", "CUTOFF", "REMOVAL", "CLOSURE", "INVESTIGATION"}
OUTCOMES = ["done", "absent", "no_access", "refused", "anomaly"]
ANNEX_STEPS = [  # procedure 001, annex 1 "Mode opératoire de dépose de compteur électrique", (1) to (8)
    "Se munir de gants isolants BT, de pinces universelles et de tournevis isolés",
    "Couper le disjoncteur",
    "Déconnecter les câbles d'alimentation du compteur tout en séparant le neutre de la phase. "
    "Protéger leur bout avec des capuchons isolés durant toute la durée du travail",
    "Enlever les vis de fixation du compteur et les déposer",
    "Déposer le disjoncteur",
    "Fixer une boîte de dérivation sur le panneau",
    "Raccorder les câbles « arrivée » sur les bornes de la boîte de dérivation",
    "Fermer la boîte de dérivation et la plomber",
]


def field(order_type: str, field_id: str) -> dict:
    return next(f for f in get_definition(order_type)["fields"] if f["id"] == field_id)


def test_every_order_type_has_a_checked_definition():
    assert {t for t, _ in load_definitions()} == ORDER_TYPES
    assert current_versions() == {**{t: 1 for t in ORDER_TYPES}, "READING": 2}


def test_get_definition_gives_the_latest_version_or_the_one_asked():
    assert get_definition("READING") is get_definition("READING", 2)
    assert get_definition("READING", 1)["version"] == 1
    assert get_definition("READING")["title"] == "Relevé d'index"


def test_unknown_version_or_type_is_a_key_error():
    with pytest.raises(KeyError):
        get_definition("READING", 99)
    with pytest.raises(KeyError):
        get_definition("PAINTING")


def test_adding_to_the_returned_mapping_does_not_leak_into_the_next_load():
    definitions = load_definitions()
    definitions[("READING", 99)] = {**definitions[("READING", 1)], "version": 99}
    assert ("READING", 99) not in load_definitions()


@pytest.mark.parametrize("order_type", sorted(ORDER_TYPES))
def test_every_outcome_of_the_design_is_offered_with_what_it_requires(order_type):
    outcomes = get_definition(order_type)["outcomes"]
    assert [o["code"] for o in outcomes] == OUTCOMES
    assert all(o["requires"] for o in outcomes), "every outcome says what it requires"
    anomaly = outcomes[-1]
    assert {"broken", "tampered", "serial_mismatch", "dangerous"} <= {r["code"] for r in anomaly["reasons"]}


@pytest.mark.parametrize("order_type", sorted(ORDER_TYPES))
def test_the_meter_is_identified_by_scanning_or_typing_its_serial(order_type):
    serial = field(order_type, "meter_serial")
    assert serial["type"] == "serial" and serial["scan"] is True


def test_E10_removal_checklist_is_the_eight_annex_steps_in_order():
    steps = field("REMOVAL", "safety_steps")
    assert steps["type"] == "checklist" and steps["ordered"] is True
    assert [s["label"] for s in steps["steps"]] == ANNEX_STEPS
    assert "safety_steps" in get_definition("REMOVAL")["outcomes"][0]["requires"]


def test_E11_removal_records_remarks_on_the_premises_and_is_signed():
    options = {o["value"] for o in field("REMOVAL", "premises_remarks")["options"]}
    assert {"rotten_panel", "already_terminated", "meter_inaccessible", "other"} <= options
    assert field("REMOVAL", "remarks")["required_when"] == {"premises_remarks": "other"}
    done = get_definition("REMOVAL")["outcomes"][0]["requires"]
    assert {"index", "photo_index", "meter_serial", "seal_number", "premises_remarks", "sig_technician"} <= set(done)


def test_E7_cutoff_done_needs_the_cutoff_confirmed_the_seal_and_the_signatures():
    definition = get_definition("CUTOFF")
    errors = validate_submission(definition, "done", {"cutoff_done": False, "requester_present": True}, {})
    assert {"cutoff_done", "index", "photo_index", "seal_number", "sig_technician", "sig_requester"} <= set(errors)


def test_W16_closure_done_means_the_branch_is_closed_with_its_kind():
    assert field("CLOSURE", "branch_closed")["must_be_true_for"] == ["done"]
    assert {o["value"] for o in field("CLOSURE", "closure_kind")["options"]} == {"meter_valve", "curb_stop"}
    assert "index" not in get_definition("CLOSURE")["outcomes"][0]["requires"]  # only when reachable


def test_W8_investigation_nobody_may_close_on_the_spot_and_a_new_occupant_is_a_person():
    assert field("INVESTIGATION", "closure_done")["allowed_when"] == {"found": "nobody"}
    assert field("INVESTIGATION", "closure_kind")["required_when"] == {"closure_done": True}
    assert "index" not in get_definition("INVESTIGATION")["outcomes"][0]["requires"]  # meter maybe out of reach
    occupant = field("INVESTIGATION", "new_occupant")
    assert occupant["type"] == "person" and occupant["required_when"] == {"found": "new_occupant"}


def test_the_golden_cases_cover_every_order_type_and_both_results():
    assert len(CASES) >= 30 and len({c["name"] for c in CASES}) == len(CASES)
    assert {c["type"] for c in CASES} == ORDER_TYPES
    for order_type in ORDER_TYPES:
        results = {bool(c["expected_error_fields"]) for c in CASES if c["type"] == order_type}
        assert results == {True, False}, order_type


def test_the_golden_cases_are_strict_json_a_browser_can_read():
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")
    json.loads((ROOT / "fixtures/forms/cases.json").read_text(encoding="utf-8"), parse_constant=refuse)
    keys = {"name", "type", "version", "outcome", "reason_code", "answers", "context", "expected_error_fields"}
    assert all(set(c) == keys and c["expected_error_fields"] == sorted(set(c["expected_error_fields"])) for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_form_cases(case):
    definition = get_definition(case["type"], case["version"])
    errors = validate_submission(definition, case["outcome"], case["answers"], case["context"], case["reason_code"])
    assert sorted(errors) == case["expected_error_fields"], errors
    assert all(isinstance(m, str) and m for messages in errors.values() for m in messages)
