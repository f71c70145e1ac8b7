"""The field-form definitions and the validation of submissions (pure Python, shared cases with the tablet)."""
import json
from pathlib import Path

import pytest

from forms import DefinitionError, current_versions, get_definition, load_definitions, validate_submission
from forms.definitions import parse_definition

CASES = json.loads((Path(__file__).resolve().parents[2] / "fixtures/forms/cases.json").read_text(encoding="utf-8"))
ORDER_TYPES = {"READING", "CUTOFF", "REMOVAL", "CLOSURE", "INVESTIGATION"}


def test_every_order_type_has_a_checked_definition():
    assert {t for t, _ in load_definitions()} == ORDER_TYPES
    assert current_versions() == {t: 1 for t in ORDER_TYPES}


@pytest.mark.parametrize("order_type", sorted(ORDER_TYPES))
def test_every_outcome_of_the_design_is_offered(order_type):
    codes = [o["code"] for o in get_definition(order_type)["outcomes"]]
    assert codes == ["done", "absent", "no_access", "refused", "anomaly"]


def test_E10_removal_checklist_is_the_eight_annex_steps_in_order():
    field = next(f for f in get_definition("REMOVAL")["fields"] if f["id"] == "safety_steps")
    labels = [s["label"] for s in field["steps"]]
    assert field["ordered"] and len(labels) == 8
    assert labels[0].startswith("Se munir de gants isolants") and labels[1] == "Couper le disjoncteur"
    assert labels[-1] == "Fermer la boîte de dérivation et la plomber"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_form_cases(case):
    definition = get_definition(case["type"], case["version"])
    errors = validate_submission(definition, case["outcome"], case["answers"], case["context"], case["reason_code"])
    assert sorted(errors) == case["expected_error_fields"], errors
    assert all(isinstance(m, str) and m for messages in errors.values() for m in messages)


@pytest.mark.parametrize("hostile", [None, [], "x", 3, {"index": {"$gt": 1}}, {"photo_index": "a" * 64},
                                     {"sig_technician": [1, 2]}, {"safety_steps": "all"}, {"new_occupant": "Paul"}])
def test_hostile_answers_give_errors_never_exceptions(hostile):
    for order_type in ORDER_TYPES:
        errors = validate_submission(get_definition(order_type), "done", hostile,
                                     {"meter_serial": "X", "dials": 5, "previous_index": 1})
        assert errors


def test_E7_cutoff_done_requires_cutoff_confirmed_and_technician_signature():
    errors = validate_submission(get_definition("CUTOFF"), "done", {"cutoff_done": False}, {})
    assert {"cutoff_done", "sig_technician", "index"} <= set(errors)


def test_a_broken_definition_file_names_the_file(tmp_path):
    bad = tmp_path / "READING.v9.json"
    bad.write_text(json.dumps({"type": "READING", "version": 9, "title": "x", "utility": ["water"],
                               "outcomes": [{"code": "done", "label": "ok", "requires": ["ghost"]}], "fields": []}))
    with pytest.raises(DefinitionError, match="READING.v9.json.*ghost"):
        parse_definition(bad)
    (tmp_path / "BROKEN.v1.json").write_text("{not json")
    with pytest.raises(DefinitionError, match="BROKEN.v1.json"):
        parse_definition(tmp_path / "BROKEN.v1.json")


def test_unknown_version_or_type_is_a_key_error():
    with pytest.raises(KeyError):
        get_definition("READING", 99)
    with pytest.raises(KeyError):
        get_definition("PAINTING")
