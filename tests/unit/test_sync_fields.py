"""The strict wire fields of the sync protocol, each built here and fed one value: what passes unchanged,
what is refused and with which French sentence, on both sides of every bound."""
import pytest
from marshmallow import ValidationError

from sync import messages as msg
from sync.fields import Bool, Int, IsoDateTime, Num, Str, between, count, length, one_of


def refused(field, value) -> list[str]:
    with pytest.raises(ValidationError) as error:
        field.deserialize(value)
    return error.value.messages


def test_str_bounds_on_both_sides():
    field = Str(min_length=2, max_length=4)
    assert field.deserialize("ab") == "ab" and field.deserialize("abcd") == "abcd"
    assert refused(field, "abcde") == ["Trop long (au plus 4 caractères)."]
    assert refused(field, "a") == [msg.NULL]
    assert refused(field, 12) == [msg.NOT_A_STRING]


def test_str_defaults_to_two_hundred_characters_and_may_be_empty():
    field = Str()
    assert field.deserialize("") == "" and field.deserialize("x" * 200) == "x" * 200
    assert refused(field, "x" * 201) == ["Trop long (au plus 200 caractères)."]


def test_str_keeps_its_own_validators_and_other_options():
    field = Str(max_length=5, validate=[one_of(["eau", "gaz"])], required=True)
    assert field.deserialize("eau") == "eau" and field.required
    assert refused(field, "air") == ["Valeur non admise (attendu : eau, gaz)."]
    assert refused(field, "électricité") == ["Valeur non admise (attendu : eau, gaz).",
                                             "Trop long (au plus 5 caractères)."]


def test_int_is_a_json_integer_within_its_bounds():
    field = Int(lo=1, hi=10)
    assert field.deserialize(1) == 1 and field.deserialize(10) == 10
    assert refused(field, 0) == ["Valeur hors des bornes (1 à 10)."]
    assert refused(field, 11) == ["Valeur hors des bornes (1 à 10)."]
    assert refused(field, 12.5) == [msg.NOT_AN_INTEGER]
    assert refused(field, 2.0) == [msg.NOT_AN_INTEGER]     # strict: no float, even a whole one
    assert refused(field, "3") == [msg.NOT_AN_INTEGER]


def test_int_defaults_from_zero_to_two_to_the_53():
    field = Int()
    assert field.deserialize(0) == 0 and field.deserialize(2**53) == 2**53
    assert refused(field, -1) == [f"Valeur hors des bornes (0 à {2**53})."]
    assert refused(field, 2**53 + 1) == [f"Valeur hors des bornes (0 à {2**53})."]


def test_int_keeps_its_own_validators_and_other_options():
    field = Int(lo=0, hi=100, validate=[between(5, 50)], allow_none=True)
    assert field.deserialize(None) is None and field.deserialize(5) == 5
    assert refused(field, 4) == ["Valeur hors des bornes (5 à 50)."]
    assert refused(field, 101) == ["Valeur hors des bornes (5 à 50).", "Valeur hors des bornes (0 à 100)."]


def test_num_is_a_finite_number_within_its_bounds():
    field = Num(lo=-90, hi=90, allow_none=True)
    assert field.deserialize(-90) == -90 and field.deserialize(90.0) == 90.0 and field.deserialize(None) is None
    assert refused(field, 90.01) == ["Valeur hors des bornes (-90 à 90)."]
    assert refused(field, -90.01) == ["Valeur hors des bornes (-90 à 90)."]
    for value in (True, "45", float("nan"), float("inf")):
        assert refused(field, value) == [msg.NOT_A_NUMBER]


@pytest.mark.parametrize("value", [True, False])
def test_bool_takes_json_booleans(value):
    assert Bool().deserialize(value) is value


@pytest.mark.parametrize("value", [1, 0, "true", "oui", []])
def test_bool_refuses_anything_else(value):
    assert refused(Bool(), value) == [msg.NOT_A_BOOLEAN]


def test_iso_datetime_up_to_forty_characters_with_an_offset():
    field = IsoDateTime()
    forty = "2026-03-10T08:30:00.1234+05:30:00.000000"      # readable, with an offset to the microsecond
    forty_one = "2026-03-10T08:30:00.12345+05:30:00.000000"
    assert (len(forty), len(forty_one)) == (40, 41)
    assert field.deserialize("2026-03-10T08:30:00+01:00") == "2026-03-10T08:30:00+01:00"
    assert field.deserialize(forty) == forty
    assert refused(field, forty_one) == [msg.NOT_A_DATETIME]
    assert refused(field, "2026-03-10T08:30:00") == [msg.NOT_A_DATETIME]     # no offset
    assert refused(field, "10/03/2026 08:30") == [msg.NOT_A_DATETIME]
    assert refused(field, 1700000000) == [msg.NOT_A_DATETIME]


def test_length_validator_on_both_sides():
    check = length(1, 3)
    assert check.bounds == (1, 3)
    assert check("a") is None and check("abc") is None
    with pytest.raises(ValidationError, match=r"^Trop long \(au plus 3 caractères\)\.$"):
        check("abcd")
    with pytest.raises(ValidationError, match=f"^{msg.NULL}$"):
        check("")


def test_count_validator_on_both_sides():
    check = count(1, 2)
    assert check.bounds == (1, 2)
    assert check([1]) is None and check({"a": 1, "b": 2}) is None
    with pytest.raises(ValidationError, match=r"^Trop d'éléments \(au plus 2\)\.$"):
        check([1, 2, 3])
    with pytest.raises(ValidationError, match=r"^Au moins 1 élément\(s\) attendu\(s\)\.$"):
        check([])
