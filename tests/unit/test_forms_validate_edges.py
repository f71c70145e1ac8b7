"""Submission checks at their edges: conditions worded with the labels the technician sees, the order
context's facts read only when well formed (dials 1 to 15, indexes from 0)."""
import pytest

from forms.validate import MAX_DIALS, order_facts, validate_submission

DEFINITION = {
    "outcomes": [{"code": "done", "label": "Réalisé", "requires": []},
                 {"code": "anomaly", "label": "Anomalie", "requires": []}],
    "fields": [
        {"id": "present", "type": "boolean", "label": "Demandeur présent"},
        {"id": "kind", "type": "choice", "label": "Type de logement",
         "options": [{"value": "a", "label": "Appartement"}, {"value": "h", "label": "Maison"}]},
        {"id": "name", "type": "text", "label": "Nom", "max_length": 50, "required_when": {"present": True, "kind": "h"}},
        {"id": "why", "type": "text", "label": "Pourquoi", "max_length": 50, "allowed_when": {"present": False}},
        {"id": "other", "type": "text", "label": "Autre", "max_length": 50, "required_when": {"kind": "z", "ghost": 1}},
        {"id": "steps", "type": "checklist", "label": "Étapes", "required_when": {"present": True},
         "steps": [{"id": "s1"}, {"id": "s2"}]},
        {"id": "meter_serial", "type": "serial", "label": "N° compteur"},
    ]}


def errors(answers, outcome="done", context=None):
    return validate_submission(DEFINITION, outcome, answers, context or {})


def test_a_condition_is_worded_with_the_labels_and_options_shown():
    assert errors({"present": True, "kind": "h", "steps": ["s1", "s2"]}) == {
        "name": ["Obligatoire puisque « Demandeur présent » = oui et « Type de logement » = « Maison »."]}
    assert errors({"present": True, "why": "x", "steps": ["s1", "s2"]}) == {
        "why": ["Sans objet sauf si « Demandeur présent » = non : effacez ce champ."]}
    assert errors({"kind": "z", "ghost": 1}) == {
        "kind": ["Choix invalide : choisissez une des options."], "ghost": ["Champ inconnu pour ce formulaire."],
        "other": ["Obligatoire puisque « Type de logement » = « z » et « ghost » = « 1 »."]}


def test_a_checklist_made_required_by_an_answer_must_be_complete():
    assert errors({"present": True, "steps": ["s1"]}) == {"steps": ["Cochez toutes les étapes (1/2)."]}
    assert errors({"present": False, "steps": ["s1"]}) == {}


def test_a_serial_too_long_is_not_also_a_meter_mismatch():
    long = "S" * 41
    assert errors({"meter_serial": long}, context={"meter_serial": "W1"}) == {
        "meter_serial": ["Numéro de série trop long (40 caractères au plus)."]}
    assert errors({"meter_serial": "W2"}, context={"meter_serial": "W1"}) == {
        "meter_serial": ["Le compteur trouvé (W2) n'est pas celui de l'ordre (W1) : déclarez une anomalie."]}
    assert errors({"meter_serial": "W2"}, outcome="anomaly", context={"meter_serial": "W1"}) == {}


@pytest.mark.parametrize("dials,kept", [(1, 1), (MAX_DIALS, MAX_DIALS), (0, None), (MAX_DIALS + 1, None),
                                        (True, None), ("5", None)])
def test_dials_are_read_from_1_to_15(dials, kept):
    assert order_facts({"dials": dials})["dials"] == kept


@pytest.mark.parametrize("key", ["previous_index", "plausible_min", "plausible_max"])
def test_indexes_are_read_from_zero(key):
    assert order_facts({key: 0})[key] == 0
    assert order_facts({key: 7})[key] == 7
    assert order_facts({key: -1})[key] is None
    assert order_facts({key: False})[key] is None


def test_a_malformed_context_is_an_empty_one():
    assert order_facts(None) == order_facts([]) == {"meter_serial": None, "dials": None, "previous_index": None,
                                                    "plausible_min": None, "plausible_max": None}
    assert order_facts({"meter_serial": "  "})["meter_serial"] is None
