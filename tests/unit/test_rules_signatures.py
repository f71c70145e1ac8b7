"""Signatures drawn in the office and the printed order brought back signed (E2, E7): plain values."""
import json

import pytest

from server.errors import DomainError
from server.services.rules.signatures import MAX_POINTS, MAX_STROKES, printed_order_matches, strokes_from_text


def test_E7_strokes_are_read_and_rounded_to_a_tenth():
    assert strokes_from_text("[[[1.04, 2.06], [3, 4]], [[5, 6]]]") == [[[1.0, 2.1], [3, 4]], [[5, 6]]]


@pytest.mark.parametrize("text", ["", None, "[]", "[[[1, 2]]]", "[[[1, 2]], [[3, 4]]]"])
def test_E7_an_empty_signature_or_lone_dots_are_asked_again(text):
    with pytest.raises(DomainError) as refusal:
        strokes_from_text(text)
    assert refusal.value.message == "La signature est vide : signez dans le cadre."
    assert refusal.value.fields == {"strokes": ["Signature requise."]}


@pytest.mark.parametrize("text", [
    "pas du json", "{}", "[1]", "[[1, 2]]", "[[[1, 2, 3]]]", "[[[true, 2], [3, 4]]]", '[[["1", 2], [3, 4]]]',
    json.dumps([[[0, 0], [1, 1]]] * (MAX_STROKES + 1)),
    json.dumps([[[0, 0]] * (MAX_POINTS // 2 + 1)] * 2),
])
def test_E7_an_unreadable_or_oversized_drawing_is_refused(text):
    with pytest.raises(DomainError) as refusal:
        strokes_from_text(text)
    assert refusal.value.message == "Signature illisible : signez à nouveau."
    assert refusal.value.fields == {"strokes": ["Signature invalide."]}


def test_E7_the_limits_themselves_are_accepted():
    assert len(strokes_from_text(json.dumps([[[0, 0], [1, 1]]] * MAX_STROKES))) == MAX_STROKES
    assert len(strokes_from_text(json.dumps([[[0, 0]] * (MAX_POINTS // 2)] * 2))[0]) == MAX_POINTS // 2


@pytest.mark.parametrize("typed,matches", [
    ("AT0000006", True), (" at 000 0006 ", True), ("AT0000007", False), ("", False), (None, False),
])
def test_E2_the_printed_order_is_confirmed_by_its_number(typed, matches):
    assert printed_order_matches(typed, "AT0000006") is matches
