"""The IBAN check of refunds by transfer (ISO 13616): normalisation, country length, mod-97, French reasons;
an IBAN shown by its last four characters only (W24); the CSV cells neutralised. The valid examples were
computed for this test: check digits = 98 - (BBAN + country + "00" as digits) mod 97."""
import pytest

from server.errors import DomainError
from server.services.rules.iban import account_ending, iban_for, iban_problem, iban_remainder, normalize_iban, valid_iban
from server.services.base.spreadsheets import csv_cell
from server.services.closing.transfers import mask_iban

FR = "FR7630004000031234567890143"       # 27 characters
FR_LETTERS = "FR1420041010050500013M02606"  # an account number with a letter
BJ = "BJ47B00120012345678901234567"      # 28 characters, a letter in the bank code
BE = "BE68539007547034"                  # 16 characters: no length on file, 15 to 34 accepted


@pytest.mark.parametrize("iban", [FR, FR_LETTERS, BJ, BE])
def test_valid_ibans_pass_the_mod_97_check(iban):
    assert iban_remainder(iban) == 1
    assert iban_problem(iban) is None and valid_iban(iban) == iban


def test_spaces_and_case_are_normalised():
    typed = " fr76 3000 4000 0312 3456 7890 143 "
    assert normalize_iban(typed) == FR and valid_iban(typed) == FR
    assert valid_iban("bj47 b001 2001 2345 6789 0123 4567") == BJ


@pytest.mark.parametrize("iban", [
    "FR7730004000031234567890143",   # check digits changed
    "FR7630004000031234567890134",   # two digits swapped
    "BJ47B00120012345678901234568",  # last digit changed
    "FR14200410100505000130M2606",   # letter moved
])
def test_a_wrong_checksum_is_refused(iban):
    assert "clé de contrôle" in iban_problem(iban)
    with pytest.raises(DomainError) as refused:
        valid_iban(iban)
    assert refused.value.fields == {"iban": [refused.value.message]}


@pytest.mark.parametrize("iban,expected", [
    (FR[:-1], "Un IBAN FR compte 27 caractères ; 26 saisis."),
    (FR + "0", "Un IBAN FR compte 27 caractères ; 28 saisis."),
    (BJ[:-1], "Un IBAN BJ compte 28 caractères ; 27 saisis."),
    ("FR766550902290701555079300", "Un IBAN FR compte 27 caractères ; 26 saisis."),  # as the demo contracts hold
    ("DE8937040044", "Un IBAN compte de 15 à 34 caractères ; 12 saisis."),
    ("XX12" + "1" * 33, "Un IBAN compte de 15 à 34 caractères ; 37 saisis."),
])
def test_a_wrong_length_is_refused(iban, expected):
    assert iban_problem(iban) == expected


@pytest.mark.parametrize("iban", ["FR76-3000-4000-0312-3456-7890-143", "FR76 3000 4000 0312 3456 7890 14é",
                                  "FR76.30004000031234567890143"])
def test_only_letters_and_digits(iban):
    assert iban_problem(iban) == "L'IBAN ne contient que des lettres et des chiffres."


@pytest.mark.parametrize("iban", ["7630004000031234567890143", "FRAB30004000031234567890143", "F", "1234"])
def test_country_code_then_check_digits(iban):
    assert iban_problem(iban).startswith("Un IBAN commence par le code du pays")


@pytest.mark.parametrize("iban", ["", "   ", None])
def test_an_empty_iban_is_required(iban):
    assert iban_problem(iban) == "IBAN requis."


def test_W24_only_the_last_four_characters_are_shown():
    assert mask_iban(FR) == "**** 0143" and mask_iban("fr76 3000 4000 0312 3456 7890 143") == "**** 0143"
    assert mask_iban(None) == mask_iban("") == "—"
    assert account_ending(FR) == "compte se terminant par 0143" and account_ending(None) is None


@pytest.mark.parametrize("cell,expected", [
    ("=HYPERLINK(\"http://evil.example\";\"clic\")", "'=HYPERLINK(\"http://evil.example\";\"clic\")"),
    ("+33 1 23", "'+33 1 23"), ("-2+3", "'-2+3"), ("@SUM(A1:A2)", "'@SUM(A1:A2)"), ("\tcmd", "'\tcmd"),
    ("Hugo Bertrand", "Hugo Bertrand"), ("12,50", "12,50"), (FR, FR), ("", ""), (None, ""),
    ("Jean-Marie O'Neil", "Jean-Marie O'Neil"),
])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(cell, expected):
    assert csv_cell(cell) == expected


def test_iban_for_gives_the_check_digits_of_a_national_account_number():
    assert iban_for("FR", FR[4:]) == FR and iban_for("BJ", BJ[4:]) == BJ
