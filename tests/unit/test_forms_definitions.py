"""Definition files are checked when loaded: a broken one fails with its file name and the problem."""
import copy
import json

import pytest

from forms import DefinitionError, get_definition, load_definitions, parse_definition
from forms.definitions import DEFINITIONS_DIR


def minimal() -> dict:
    """A small valid definition to break in one place per test."""
    return {"type": "READING", "version": 9, "title": "Relevé", "utility": ["water"],
            "outcomes": [{"code": "done", "label": "Réalisé", "requires": ["index", "photo_index"]},
                         {"code": "anomaly", "label": "Anomalie", "requires": ["photo_index"],
                          "reasons": [{"code": "serial_mismatch", "label": "N° différent"}]}],
            "fields": [{"id": "meter_serial", "type": "serial", "label": "N° de série", "scan": True},
                       {"id": "index", "type": "index", "label": "Index", "rollover_field": "rollover",
                        "confirm_field": "confirm", "photo_field": "photo_index"},
                       {"id": "rollover", "type": "boolean", "label": "Passage par zéro"},
                       {"id": "confirm", "type": "boolean", "label": "Je confirme"},
                       {"id": "photo_index", "type": "photo", "label": "Photo", "min": 1, "max": 3},
                       {"id": "kind", "type": "choice", "label": "Type",
                        "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]}]}


def write(tmp_path, definition, name="READING.v9.json"):
    path = tmp_path / name
    path.write_text(json.dumps(definition, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("path", sorted(DEFINITIONS_DIR.glob("*.json")), ids=lambda p: p.name)
def test_every_shipped_definition_file_passes_the_schema(path):
    definition = parse_definition(path)
    assert load_definitions()[(definition["type"], definition["version"])] == definition
    assert all(f["label"] for f in definition["fields"]) and definition["title"]


def test_the_minimal_definition_is_valid(tmp_path):
    assert parse_definition(write(tmp_path, minimal()))["version"] == 9


def _set(path, value):
    def change(d):
        target = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _drop(path):
    def change(d):
        target = d
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


BREAKAGES = [  # (what is broken, change to the minimal definition, words the error must contain)
    ("required key missing", _drop(["title"]), "title"),
    ("unknown top-level key", _set(["colour"], "blue"), "colour"),
    ("version not an integer", _set(["version"], "1"), "version"),
    ("unknown utility", _set(["utility"], ["gas"]), "utility"),
    ("unknown outcome code", _set(["outcomes", 0, "code"], "finished"), "outcomes[0].code"),
    ("outcome without requires", _drop(["outcomes", 0, "requires"]), "outcomes[0].requires"),
    ("outcome requires a ghost field", _set(["outcomes", 0, "requires"], ["ghost"]), "ghost"),
    ("duplicate outcome", lambda d: d["outcomes"].append(copy.deepcopy(d["outcomes"][0])), "duplicate outcome code 'done'"),
    ("duplicate field id", lambda d: d["fields"].append(copy.deepcopy(d["fields"][2])), "duplicate field id 'rollover'"),
    ("unknown field type", _set(["fields", 5, "type"], "slider"), "fields[5].type"),
    ("field id not an identifier", _set(["fields", 5, "id"], "Kind!"), "fields[5].id"),
    ("reserved field id", _set(["fields", 5, "id"], "outcome"), "fields[5].id"),
    ("field without label", _drop(["fields", 5, "label"]), "fields[5].label"),
    ("unknown key on a field", _set(["fields", 5, "colour"], "red"), "fields[5].colour"),
    ("key of another type", _set(["fields", 2, "options"], [{"value": "x", "label": "X"}]), "may not have 'options'"),
    ("choice without options", _drop(["fields", 5, "options"]), "needs 'options'"),
    ("duplicate option", lambda d: d["fields"][5]["options"].append({"value": "a", "label": "A bis"}), "option value 'a'"),
    ("index without its photo field", _drop(["fields", 1, "photo_field"]), "needs 'photo_field'"),
    ("index rollover names a photo", _set(["fields", 1, "rollover_field"], "photo_index"), "rollover_field"),
    ("photo min above max", _set(["fields", 4, "min"], 4), "min is above max"),
    ("condition on a ghost field", _set(["fields", 5, "required_when"], {"ghost": True}), "ghost"),
    ("condition that can never hold", _set(["fields", 5, "required_when"], {"rollover": "yes"}), "can never hold"),
    ("condition on itself", _set(["fields", 5, "allowed_when"], {"kind": "a"}), "itself"),
    ("must be true for an outcome that does not require it", _set(["fields", 2, "must_be_true_for"], ["done"]),
     "must require it"),
    ("serial remedy missing", _set(["outcomes", 1, "reasons"], [{"code": "broken", "label": "Cassé"}]), "serial_mismatch"),
    ("empty reasons list", _set(["outcomes", 1, "reasons"], []), "outcomes[1].reasons"),
]


@pytest.mark.parametrize("what,change,words", BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_a_broken_definition_file_names_the_file_and_the_problem(tmp_path, what, change, words):
    definition = minimal()
    change(definition)
    with pytest.raises(DefinitionError) as caught:
        parse_definition(write(tmp_path, definition))
    message = str(caught.value)
    assert message.startswith("READING.v9.json: ") and words in message, message


def test_a_file_that_is_not_json_names_the_file(tmp_path):
    (tmp_path / "BROKEN.v1.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"^BROKEN\.v1\.json: not a readable JSON file"):
        parse_definition(tmp_path / "BROKEN.v1.json")


def test_a_file_must_be_named_after_its_type_and_version(tmp_path):
    with pytest.raises(DefinitionError, match=r"reading\.json: .*must be named READING\.v9\.json"):
        parse_definition(write(tmp_path, minimal(), name="reading.json"))


def test_loading_a_directory_stops_on_the_first_broken_file_and_names_it(tmp_path):
    write(tmp_path, minimal())
    broken = minimal()
    broken["type"], broken["outcomes"][0]["requires"] = "CUTOFF", ["ghost"]
    write(tmp_path, broken, name="CUTOFF.v9.json")
    with pytest.raises(DefinitionError, match=r"CUTOFF\.v9\.json: .*ghost"):
        load_definitions(tmp_path)


def test_a_directory_of_definitions_loads_keyed_by_type_and_version(tmp_path):
    write(tmp_path, minimal())
    newer = minimal()
    newer["version"] = 10
    write(tmp_path, newer, name="READING.v10.json")
    assert sorted(load_definitions(tmp_path)) == [("READING", 9), ("READING", 10)]
    assert get_definition("READING", directory=tmp_path)["version"] == 10


def test_an_empty_directory_is_an_error(tmp_path):
    with pytest.raises(DefinitionError, match="no definition file"):
        load_definitions(tmp_path)


def test_every_problem_is_listed_at_once(tmp_path):
    definition = minimal()
    definition["outcomes"][0]["requires"] = ["ghost", "spectre"]
    with pytest.raises(DefinitionError) as caught:
        parse_definition(write(tmp_path, definition))
    assert "ghost" in str(caught.value) and "spectre" in str(caught.value)
