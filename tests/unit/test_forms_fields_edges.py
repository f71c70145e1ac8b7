"""Field validators at their limits (forms/fields.py, mirrored by the tablet): sizes, counts, formats."""
import pytest

from forms.fields import (MAX_COORDINATE, MAX_EMAIL, MAX_NAME, MAX_POINTS, MAX_SERIAL, MAX_STROKES, index, person,
                          photo, serial, signature)

SHA = "a" * 64
INDEX_FIELD = {"id": "index", "rollover_field": "rollover", "confirm_field": "confirmed", "photo_field": "photos"}


def test_serial_length_limit():
    assert serial({}, "S" * MAX_SERIAL, {}, {}) == []
    assert serial({}, "  " + "S" * MAX_SERIAL + "  ", {}, {}) == []
    assert serial({}, "S" * (MAX_SERIAL + 1), {}, {}) == ["Numéro de série trop long (40 caractères au plus)."]
    assert serial({}, 12, {}, {}) == ["Le numéro de série doit être un texte."]


def test_index_digits_follow_the_dials():
    assert index(INDEX_FIELD, 99_999, {"dials": 5}, {}) == []
    assert index(INDEX_FIELD, 100_000, {"dials": 5}, {}) == ["L'index a au plus 5 chiffres (compteur à 5 cadrans)."]
    assert index(INDEX_FIELD, 0, {}, {}) == []
    assert index(INDEX_FIELD, -1, {}, {}) == ["L'index ne peut pas être négatif."]
    assert index(INDEX_FIELD, 1.5, {}, {}) == ["L'index doit être un nombre entier."]
    assert index(INDEX_FIELD, True, {}, {}) == ["L'index doit être un nombre entier."]


def test_index_below_the_previous_one_only_as_a_declared_rollover():
    context = {"previous_index": 500}
    assert index(INDEX_FIELD, 500, context, {}) == []
    assert index(INDEX_FIELD, 499, context, {}) == [
        "L'index 499 est inférieur à l'index précédent (500) : si le compteur a fait le tour, cochez le passage par zéro."]
    assert index(INDEX_FIELD, 499, context, {"rollover": True}) == []
    assert index(INDEX_FIELD, 499, context, {"rollover": 1}) != []  # true only, not a truthy number


@pytest.mark.parametrize("low,high,value,shown", [
    (100, 200, 99, "100 – 200"), (100, 200, 201, "100 – 200"), (None, 200, 201, "au plus 200"),
    (100, None, 99, "au moins 100"),
])
def test_index_outside_the_plausible_range_needs_a_confirmation_and_a_photo(low, high, value, shown):
    context = {"plausible_min": low, "plausible_max": high}
    assert index(INDEX_FIELD, value, context, {}) == [
        f"Index hors de la plage plausible ({shown}) : vérifiez-le puis confirmez-le.",
        "Un index hors de la plage plausible doit être prouvé par une photo du cadran."]
    assert index(INDEX_FIELD, value, context, {"confirmed": True, "photos": []}) == [
        "Un index hors de la plage plausible doit être prouvé par une photo du cadran."]
    assert index(INDEX_FIELD, value, context, {"confirmed": True, "photos": [SHA]}) == []


def test_index_at_the_plausible_bounds_is_in_range():
    context = {"plausible_min": 100, "plausible_max": 200}
    assert index(INDEX_FIELD, 100, context, {}) == [] and index(INDEX_FIELD, 200, context, {}) == []


def test_photo_counts_and_duplicates():
    field = {"min": 1, "max": 2}
    assert photo(field, [SHA], {}, {}) == [] and photo(field, [SHA, "b" * 64], {}, {}) == []
    assert photo(field, [SHA, "b" * 64, "c" * 64], {}, {}) == ["2 photo(s) au plus."]
    assert photo(field, [], {}, {}) == ["Au moins 1 photo(s)."]
    assert photo(field, [SHA, SHA], {}, {}) == ["La même photo est jointe deux fois."]
    assert photo(field, ["A" * 64], {}, {}) == ["Photos invalides : empreintes SHA-256 attendues."]
    assert photo(field, SHA, {}, {}) == ["Photos invalides : empreintes SHA-256 attendues."]
    assert photo({}, [f"{i:064x}" for i in range(10)], {}, {}) == []
    assert photo({}, [f"{i:064x}" for i in range(11)], {}, {}) == ["10 photo(s) au plus."]


def good_signature(**changes):
    value = {"sha256": SHA, "signer_name": "Léa Girard", "strokes": [[[0, 0], [1, 1]]]}
    value.update(changes)
    return value


def test_signature_limits():
    assert signature({}, good_signature(), {}, {}) == []
    assert signature({}, good_signature(signer_name="N" * MAX_NAME), {}, {}) == []
    assert signature({}, good_signature(signer_name="N" * (MAX_NAME + 1)), {}, {}) == ["Indiquez le nom du signataire."]
    assert signature({}, good_signature(signer_name="  "), {}, {}) == ["Indiquez le nom du signataire."]
    assert signature({}, good_signature(sha256="x"), {}, {}) == ["Signature invalide : image de la signature manquante."]
    assert signature({}, {**good_signature(), "extra": 1}, {}, {}) == ["Signature invalide."]
    assert signature({}, good_signature(strokes=[]), {}, {}) == ["Signez dans le cadre."]
    assert signature({}, good_signature(strokes=[[[0, 0]]] * MAX_STROKES), {}, {}) == []
    assert signature({}, good_signature(strokes=[[[0, 0]]] * (MAX_STROKES + 1)), {}, {}) == ["Tracé de signature trop long."]
    assert signature({}, good_signature(strokes=[[[0, 0]] * 25] * 200), {}, {}) == []  # 5,000 points
    assert signature({}, good_signature(strokes=[[[0, 0]] * 25] * 199 + [[[0, 0]] * 26]), {}, {}) == [
        "Tracé de signature trop long."]
    assert MAX_POINTS == 5000


@pytest.mark.parametrize("point,valid", [
    ([MAX_COORDINATE, -MAX_COORDINATE], True), ([MAX_COORDINATE + 1, 0], False), ([0.5, 2], True),
    ([0, 0, 0], False), ([0], False), ([True, 0], False), ([float("nan"), 0], False), ("0,0", False),
])
def test_signature_points(point, valid):
    assert (signature({}, good_signature(strokes=[[point]]), {}, {}) == []) is valid
    assert signature({}, good_signature(strokes=[[]]), {}, {}) == ["Tracé de signature invalide."]


@pytest.mark.parametrize("phone,valid", [
    ("06 12 34 56 78", True), ("+229 97 00 00 00", True), ("(05) 56.00.00.00", True), ("12345", False),
    ("123456", True), ("06-12-AB", False), ("1" * 31, False), ("  ", True), (None, True), (612345678, False),
])
def test_person_phone(phone, valid):
    errors = person({}, {"name": "Léa", "phone": phone}, {}, {})
    assert errors == ([] if valid else ["Numéro de téléphone invalide."])


@pytest.mark.parametrize("email,valid", [
    ("lea@exemple.fr", True), (" lea@exemple.fr ", True), ("lea@exemple", False), ("lea exemple@x.fr", False),
    ("@x.fr", False), ("a@" + "b" * (MAX_EMAIL - 4) + ".fr", False), ("a@" + "b" * (MAX_EMAIL - 5) + ".fr", True),
    ("", True), (None, True),
])
def test_person_email(email, valid):
    errors = person({}, {"name": "Léa", "email": email}, {}, {})
    assert errors == ([] if valid else ["Adresse électronique invalide."])


def test_person_name_and_keys():
    assert person({}, {"name": "N" * MAX_NAME}, {}, {}) == []
    assert person({}, {"name": "N" * (MAX_NAME + 1)}, {}, {}) == ["Indiquez le nom de la personne."]
    assert person({}, {"name": "Léa", "address": "x"}, {}, {}) == ["Coordonnées invalides."]
    assert person({}, {"phone": "0612345678"}, {}, {}) == ["Indiquez le nom de la personne."]
