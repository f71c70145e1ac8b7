"""The import's cell parsers, as a utility's file writes them: what each cell becomes, and the exact reason
shown on the line-by-line report when it is refused, on both sides of every limit. The parsers are the ones
the import kinds use (`cells.text(120)`, `cells.amount`, …), called on the strings a CSV or an XLSX gives."""
from datetime import date, datetime
from decimal import Decimal

import pytest

from server.services.own_data import cells
from server.services.own_data.cells import CellError, Column


@pytest.fixture(autouse=True)
def dates_read_afresh():
    """Dates are remembered per text: each test reads them with the code under test, not a cached answer."""
    cells.remembered_day.cache_clear()


def refusal(parse, value) -> str:
    with pytest.raises(CellError) as refused:
        parse(value)
    return str(refused.value)


def exact(number: Decimal | None) -> str | None:
    """A Decimal as stored, exponent included: Decimal("5") == Decimal("5.00") would hide a lost quantize."""
    return None if number is None else str(number)


# --- text and references ------------------------------------------------------------------------------

@pytest.mark.parametrize("value,stored", [
    ("  Rue des Lilas  ", "Rue des Lilas"),
    ("", None),
    ("   ", None),
    (None, None),
    (1234, "1234"),
    ("é" * 120, "é" * 120),              # the limit counts characters, not bytes
])
def test_text_is_trimmed_and_blank_is_none(value, stored):
    assert cells.text(120)(value) == stored


def test_text_refuses_one_character_over_its_limit():
    assert cells.text(120)("a" * 120) == "a" * 120
    assert refusal(cells.text(120), "a" * 121) == "texte trop long (121 caractères, 120 au plus)"
    assert refusal(cells.text(20), "  " + "b" * 21 + "  ") == "texte trop long (21 caractères, 20 au plus)"


@pytest.mark.parametrize("value,stored", [
    ("75056", "75056"),
    ("  2A004 ", "2A004"),              # trimmed, and the case is kept: references are compared as written
    ("pds-001", "pds-001"),
    ("", None),
    (None, None),
])
def test_code_keeps_a_reference_as_written(value, stored):
    assert cells.code(10)(value) == stored


@pytest.mark.parametrize("value", ["PDS 001", "PDS\t001", "A\u00a0B"])
def test_code_refuses_spaces_inside(value):
    assert refusal(cells.code(10), value) == f"référence « {value} » avec des espaces"


def test_code_length_limit_on_both_sides():
    assert cells.code(10)("1234567890") == "1234567890"
    assert refusal(cells.code(10), "12345678901") == "texte trop long (11 caractères, 10 au plus)"


# --- dates ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,stored", [
    ("15/03/2026", date(2026, 3, 15)),
    ("15.03.2026", date(2026, 3, 15)),
    ("15-03-2026", date(2026, 3, 15)),
    ("5/3/2026", date(2026, 3, 5)),
    ("05/03/2026", date(2026, 3, 5)),   # day first: 5 March, never 3 May
    ("2026-03-15", date(2026, 3, 15)),
    ("2026-3-5", date(2026, 3, 5)),
    ("  2026-03-15  ", date(2026, 3, 15)),
    ("2026-03-15 00:00:00", date(2026, 3, 15)),
    ("2026-03-15T08:30", date(2026, 3, 15)),
    ("15/03/2026 8:30", date(2026, 3, 15)),
    ("15/03/2026 08:30:15.250", date(2026, 3, 15)),
    ("29/02/2028", date(2028, 2, 29)),
    ("31/12/2026", date(2026, 12, 31)),
    ("01/01/2026", date(2026, 1, 1)),
])
def test_day_reads_french_and_iso_dates(value, stored):
    assert cells.day(value) == stored


def test_day_keeps_the_dates_an_xlsx_gives():
    assert cells.day(date(2026, 3, 15)) == date(2026, 3, 15)
    read = cells.day(datetime(2026, 3, 15, 23, 59))
    assert read == date(2026, 3, 15) and type(read) is date


@pytest.mark.parametrize("value", ["", "   ", None])
def test_blank_day_is_none(value):
    assert cells.day(value) is None


@pytest.mark.parametrize("value,shown", [
    ("29/02/2026", "29/02/2026"),      # not a leap year
    ("31/04/2026", "31/04/2026"),
    ("32/01/2026", "32/01/2026"),
    ("15/13/2026", "15/13/2026"),
    ("00/01/2026", "00/01/2026"),
    ("2026-02-30", "2026-02-30"),
    ("2026-13-01", "2026-13-01"),
    ("15/03/26", "15/03/26"),           # a two-digit year is ambiguous
    ("15-03-26", "15-03-26"),
    ("15.03.26", "15.03.26"),
    ("03/15/2026", "03/15/2026"),       # month first is refused, not swapped
    ("15 mars 2026", "15 mars 2026"),
    ("2026-03-15 25h", "2026-03-15 25h"),
    ("2026-03-15 08:30 extra", "2026-03-15 08:30 extra"),
    ("hier", "hier"),
    ("2026-03-15 08:30", None),         # shown below: the time is dropped before the message
])
def test_day_refuses_what_is_not_a_calendar_day(value, shown):
    if shown is None:
        assert cells.day(value) == date(2026, 3, 15)
        assert refusal(cells.day, "2026-02-30 08:30") == \
            "date invalide « 2026-02-30 » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)"
        return
    assert refusal(cells.day, value) == f"date invalide « {shown} » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)"


# --- whole numbers -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,stored", [
    ("12", 12),
    (" 1 234 ", 1234),
    ("1\u00a0234", 1234),
    ("+5", 5),
    ("0", 0),
    ("007", 7),
    (42, 42),
    ("", None),
    ("  ", None),
    (None, None),
])
def test_whole_reads_integers_with_thousands_spaces(value, stored):
    assert cells.whole(0)(value) == stored


@pytest.mark.parametrize("value", ["1.5", "1,0", "12a", "--1", "1e3", "un"])
def test_whole_refuses_what_is_not_an_integer(value):
    assert refusal(cells.whole(0), value) == f"nombre entier attendu, « {value} » lu"


def test_whole_refusal_shows_the_cell_without_its_spaces():
    assert refusal(cells.whole(0), " 1 2,5 ") == "nombre entier attendu, « 12,5 » lu"


def test_whole_minimum_on_both_sides():
    assert cells.whole(3, 10)("3") == 3
    assert refusal(cells.whole(3, 10), "2") == "2 est inférieur au minimum 3"
    assert refusal(cells.whole(0), "-1") == "-1 est inférieur au minimum 0"
    assert refusal(cells.whole(), "-1") == "-1 est inférieur au minimum 0"   # non-negative unless told


def test_whole_maximum_on_both_sides():
    assert cells.whole(3, 10)("10") == 10
    assert refusal(cells.whole(3, 10), "11") == "11 est supérieur au maximum 10"
    assert cells.whole(0)("123456789012") == 123456789012                    # no maximum unless told


def test_whole_without_minimum_takes_negatives():
    assert cells.whole(None)("-3") == -3
    assert cells.whole(None, 5)("-300") == -300
    assert refusal(cells.whole(None, 5), "6") == "6 est supérieur au maximum 5"


# --- amounts, decimals and rates -----------------------------------------------------------------------

@pytest.mark.parametrize("value,stored", [
    ("1 234,50", "1234.50"),
    ("1234.5", "1234.50"),
    ("1.234,50", "1234.50"),            # French thousands dot with a decimal comma
    ("1\u00a0234,5", "1234.50"),
    ("12", "12.00"),
    ("0", "0.00"),
    ("0,01", "0.01"),
    ("99999999.99", "99999999.99"),     # the largest amount stored
    ("", None),
    ("   ", None),
    (None, None),
])
def test_amount_is_kept_to_the_cent(value, stored):
    assert exact(cells.amount(value)) == stored


@pytest.mark.parametrize("value,reason", [
    ("-0.01", "montant invalide « -0.01 »"),
    ("douze", "montant invalide « douze »"),
    ("12,5,0", "montant invalide « 12,5,0 »"),
    ("NaN", "montant invalide « NaN »"),
    ("Infinity", "montant invalide « Infinity »"),
    ("0,005", "montant invalide « 0,005 » (deux décimales au plus)"),
    ("12.345", "montant invalide « 12.345 » (deux décimales au plus)"),
    ("100000000", "montant invalide « 100000000 » (deux décimales au plus)"),
    ("100000000,00", "montant invalide « 100000000,00 » (deux décimales au plus)"),
])
def test_amount_refusals(value, reason):
    assert refusal(cells.amount, value) == reason


def test_amount_refusal_shows_the_cell_as_written():
    assert refusal(cells.amount, " -1 ") == "montant invalide «  -1  »"


# Parsers are built inside each test, never at import: mutation testing switches the code under test per
# test, and a parser built once at import would keep the original code.
def unit_price(value):
    return cells.decimal_number(4, Decimal(100000))(value)


def subscription(value):
    return cells.decimal_number(2, Decimal(10**7))(value)


@pytest.mark.parametrize("parse,value,stored", [
    (unit_price, "2,1050", "2.1050"),
    (unit_price, "2.105", "2.1050"),
    (unit_price, "2", "2.0000"),
    (unit_price, "0", "0.0000"),
    (unit_price, "0,0001", "0.0001"),
    (unit_price, "100000", "100000.0000"),
    (unit_price, "1 234,5", "1234.5000"),
    (unit_price, "1\u00a0234,5", "1234.5000"),
    (unit_price, "", None),
    (unit_price, None, None),
    (subscription, "45,6", "45.60"),
    (subscription, "10000000", "10000000.00"),
])
def test_decimal_number_keeps_its_places(parse, value, stored):
    assert exact(parse(value)) == stored


@pytest.mark.parametrize("parse,value,reason", [
    (unit_price, "100000,0001", "nombre invalide « 100000,0001 » (de 0 à 100000, 4 décimales au plus)"),
    (unit_price, "-0,0001", "nombre invalide « -0,0001 » (de 0 à 100000, 4 décimales au plus)"),
    (unit_price, "2,10501", "nombre invalide « 2,10501 » (de 0 à 100000, 4 décimales au plus)"),
    (unit_price, "NaN", "nombre invalide « NaN » (de 0 à 100000, 4 décimales au plus)"),
    (unit_price, "deux", "nombre invalide « deux »"),
    (subscription, "45,605", "nombre invalide « 45,605 » (de 0 à 10000000, 2 décimales au plus)"),
    (subscription, "10000000.01", "nombre invalide « 10000000.01 » (de 0 à 10000000, 2 décimales au plus)"),
])
def test_decimal_number_refusals(parse, value, reason):
    assert refusal(parse, value) == reason


@pytest.mark.parametrize("value,stored", [
    ("0,055", "0.0550"),
    ("0.2", "0.2000"),
    ("0", "0.0000"),
    ("0,9999", "0.9999"),
    ("5,5 %", "0.0550"),
    ("5.5%", "0.0550"),
    (" 20 % ", "0.2000"),
    ("100 %", "1.0000"),
    ("0 %", "0.0000"),
    ("12,3456 %", "0.1235"),            # a percentage with 4 places, kept to 4 places as a fraction
    ("", None),
    (None, None),
    ("%", None),
])
def test_rate_as_a_fraction_or_a_percentage(value, stored):
    assert exact(cells.rate(value)) == stored


@pytest.mark.parametrize("value,reason", [
    ("1", "nombre invalide « 1 » (de 0 à 0.9999, 4 décimales au plus)"),          # 100 % written as a fraction
    ("20", "nombre invalide « 20 » (de 0 à 0.9999, 4 décimales au plus)"),        # a percentage without %
    ("0,05555", "nombre invalide « 0,05555 » (de 0 à 0.9999, 4 décimales au plus)"),
    ("100,0001 %", "nombre invalide « 100,0001 » (de 0 à 100, 4 décimales au plus)"),
    ("-5 %", "nombre invalide « -5 » (de 0 à 100, 4 décimales au plus)"),
    ("5X %", "nombre invalide « 5X »"),
    ("cinq %", "nombre invalide « cinq »"),
])
def test_rate_refusals(value, reason):
    assert refusal(cells.rate, value) == reason


# --- coordinates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("limit,value,stored", [
    (90, "45,764", 45.764),
    (90, "90", 90.0),
    (90, "-90", -90.0),
    (180, "180", 180.0),
    (180, "-180,0", -180.0),
    (180, " 4.8357 ", 4.8357),
    (90, "", None),
    (90, None, None),
])
def test_coordinate_within_its_limit(limit, value, stored):
    assert cells.coordinate(limit)(value) == stored


@pytest.mark.parametrize("limit,value,reason", [
    (90, "90.0001", "coordonnée hors limites « 90.0001 »"),
    (90, "-90,0001", "coordonnée hors limites « -90,0001 »"),
    (180, "180.5", "coordonnée hors limites « 180.5 »"),
    (180, "-181", "coordonnée hors limites « -181 »"),
    (90, "nan", "coordonnée hors limites « nan »"),
    (90, "inf", "coordonnée hors limites « inf »"),
    (90, "45°N", "coordonnée invalide « 45°N »"),
    (90, "45,7,1", "coordonnée invalide « 45,7,1 »"),
])
def test_coordinate_refusals(limit, value, reason):
    assert refusal(cells.coordinate(limit), value) == reason


# --- yes/no and coded values ---------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["oui", "Oui", " OUI ", "o", "1", "vrai", "Vrai", "true", "TRUE", "yes", "y",
                                   "x", "X"])
def test_yes(value):
    assert cells.yes_no(value) is True


@pytest.mark.parametrize("value", ["non", "Non", "n", "0", "faux", "false", "no", "", "  ", None])
def test_no_and_blank_are_false(value):
    assert cells.yes_no(value) is False


@pytest.mark.parametrize("value", ["peut-être", "2", "ouii", "oui non"])
def test_yes_no_refuses_anything_else(value):
    assert refusal(cells.yes_no, value) == f"« {value} » : oui ou non attendu"


def utility(value):
    return cells.choice({"eau": "water", "water": "water", "electricite": "electricity"}, "métier",
                        "eau, électricité")(value)


@pytest.mark.parametrize("value,stored", [
    ("eau", "water"),
    ("Eau", "water"),
    ("water", "water"),
    ("Électricité", "electricity"),
    (" ELECTRICITE ", "electricity"),
    ("", None),
    ("  ", None),
    (None, None),
])
def test_choice_reads_french_words_and_stored_codes(value, stored):
    assert utility(value) == stored


def test_choice_refusal_lists_the_values():
    assert refusal(utility, "gaz") == "métier inconnu(e) « gaz » (valeurs : eau, électricité)"


# --- contacts ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,stored", [
    ("jeanne.martin@exemple.fr", "jeanne.martin@exemple.fr"),
    ("  a@b.fr  ", "a@b.fr"),
    ("", None),
    (None, None),
])
def test_email_accepted(value, stored):
    assert cells.email(value) == stored


@pytest.mark.parametrize("value", ["jeanne.martin", "a@b", "a b@c.fr", "a@@b.fr", "@b.fr", "a@b.", "a@.fr"])
def test_email_refused(value):
    assert refusal(cells.email, value) == f"adresse e-mail invalide « {value} »"


def test_email_length_limit_on_both_sides():
    longest = "a" * 249 + "@b.fr"   # 254 characters
    assert len(longest) == 254 and cells.email(longest) == longest
    assert refusal(cells.email, "a" + longest) == "texte trop long (255 caractères, 254 au plus)"


@pytest.mark.parametrize("value,stored", [
    ("+33 1 23 45 67 89", "+33 1 23 45 67 89"),
    ("01.23.45.67.89", "01.23.45.67.89"),
    ("(0)1-23-45", "(0)1-23-45"),
    ("123456", "123456"),               # six characters, the shortest
    (" 0612345678 ", "0612345678"),
    ("", None),
    (None, None),
])
def test_phone_accepted(value, stored):
    assert cells.phone(value) == stored


@pytest.mark.parametrize("value", ["12345", "+12345", "06 12 34 ab", "0612345678 poste 12", "06+12345678"])
def test_phone_refused(value):
    assert refusal(cells.phone, value) == f"numéro de téléphone invalide « {value} »"


def test_phone_length_limit_on_both_sides():
    assert cells.phone("0" * 32) == "0" * 32
    assert refusal(cells.phone, "0" * 33) == "texte trop long (33 caractères, 32 au plus)"


# --- IBAN and currency ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value,stored", [
    ("fr76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"),
    ("  FR7630006000011234567890189 ", "FR7630006000011234567890189"),
    ("", None),
    ("   ", None),
    (None, None),
])
def test_iban_is_stored_in_its_electronic_form(value, stored):
    assert cells.iban(value) == stored


@pytest.mark.parametrize("value,reason", [
    ("FR76 3000 6000 0112 3456 7890 188",
     "IBAN invalide : la clé de contrôle ne correspond pas (erreur de saisie ?)"),
    ("FR76 3000 6000", "IBAN invalide : Un IBAN FR compte 27 caractères ; 12 saisis."),
    ("FR76-3000-6000", "IBAN invalide : L'IBAN ne contient que des lettres et des chiffres."),
    ("7630006000011234567890189", "IBAN invalide : Un IBAN commence par le code du pays (2 lettres) suivi de 2 "
                                  "chiffres de contrôle (ex. FR76…)."),
])
def test_iban_refusals(value, reason):
    assert refusal(cells.iban, value) == reason


@pytest.mark.parametrize("value,stored", [("EUR", "EUR"), ("xof", "XOF"), (" Eur ", "EUR"), ("", None),
                                          (None, None)])
def test_currency_is_three_capital_letters(value, stored):
    assert cells.currency(value) == stored


@pytest.mark.parametrize("value,shown", [("euro", "EURO"), ("EU", "EU"), ("E1R", "E1R"), ("€", "€"),
                                         ("F CFA", "F CFA")])
def test_currency_refusals(value, shown):
    assert refusal(cells.currency, value) == f"code de devise invalide « {shown} » (3 lettres, ex. EUR, XOF)"


# --- columns -------------------------------------------------------------------------------------------

def test_a_column_is_labelled_by_its_first_header_name():
    column = Column("ref", ("reference", "ref_client"), cells.code(20), required=True)
    assert column.label == "reference"
    assert (column.required, column.default) == (True, None)
    assert (Column("x", ("x",), cells.yes_no).required, Column("x", ("x",), cells.yes_no).default) == (False, None)


def test_coded_values_are_compared_as_slugs():
    assert cells.coded("Électricité BT") == "electricite_bt"
    assert cells.coded(None) == ""
