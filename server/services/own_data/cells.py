"""Cell parsers of the import files: each turns a cell into a stored value or raises CellError with the
French reason shown on the line-by-line report. Pure Python."""
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from ..rules.iban import iban_problem, normalize_iban
from .sources import slug

TRUE = {"oui", "o", "1", "vrai", "true", "yes", "y", "x"}
FALSE = {"non", "n", "0", "faux", "false", "no", ""}
SPACE = re.compile(r"\s")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"\+?[0-9 .()-]{6,}")
WHOLE = re.compile(r"[+-]?\d+")


@lru_cache(maxsize=4096)
def coded(value) -> str:
    """The slug of a coded cell (yes/no, kinds, states): few distinct values, so remembered."""
    return slug(value)


class CellError(ValueError):
    """The French reason a cell is refused."""


@dataclass(frozen=True)
class Column:
    """One column of an import kind: the stored field, the header names accepted (compared as slugs), the
    parser, whether a value is required, the value of a new row when the column is absent or blank."""
    field: str
    names: tuple[str, ...]
    parse: object
    required: bool = False
    default: object = None

    @property
    def label(self) -> str:
        return self.names[0]


def text(max_length: int):
    def parse(value):
        value = "" if value is None else str(value).strip()
        if len(value) > max_length:
            raise CellError(f"texte trop long ({len(value)} caractères, {max_length} au plus)")
        return value or None
    return parse


def code(max_length: int):
    """A reference: no spaces inside, kept as written (upper and lower case differ)."""
    parse_text = text(max_length)

    def parse(value):
        value = parse_text(value)
        if value and SPACE.search(value):
            raise CellError(f"référence « {value} » avec des espaces")
        return value
    return parse


FRENCH_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
TIME_PART = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def day(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return remembered_day(str(value or "").strip())


def day_of_text(value: str):
    if not value:
        return None
    value = TIME_PART.sub("", value)  # "2026-03-15 00:00:00", "15/03/2026 08:30": the day is what counts
    french, iso = FRENCH_DATE.fullmatch(value), ISO_DATE.fullmatch(value)
    try:
        if french:
            return date(int(french[3]), int(french[2]), int(french[1]))
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        return datetime.strptime(value, "%Y-%m-%d").date()  # "2026-3-5": the day-first forms are all above
    except ValueError:
        raise CellError(f"date invalide « {value} » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)") from None


# A file holds few distinct dates (installation days, billing dates): each is read once. The cache wraps the
# plain function rather than decorating it, so that mutation testing still reaches the date rules.
remembered_day = lru_cache(maxsize=8192)(day_of_text)


def whole(minimum: int | None = 0, maximum: int | None = None):
    def parse(value):
        value = str(value or "").strip().replace(" ", "").replace("\u00a0", "")
        if not value:
            return None
        if not WHOLE.fullmatch(value):
            raise CellError(f"nombre entier attendu, « {value} » lu")
        number = int(value)
        if minimum is not None and number < minimum:
            raise CellError(f"{number} est inférieur au minimum {minimum}")
        if maximum is not None and number > maximum:
            raise CellError(f"{number} est supérieur au maximum {maximum}")
        return number
    return parse


def amount(value):
    """A non-negative amount: "1 234,50", "1234.5"."""
    text_value = str(value or "").strip().replace(" ", "").replace("\u00a0", "")
    if not text_value:
        return None
    if "," in text_value and "." in text_value:
        text_value = text_value.replace(".", "")
    try:
        number = Decimal(text_value.replace(",", "."))
    except InvalidOperation:
        raise CellError(f"montant invalide « {value} »") from None
    if not number.is_finite() or number < 0:
        raise CellError(f"montant invalide « {value} »")
    if number >= Decimal("100000000") or number != number.quantize(Decimal("0.01")):
        raise CellError(f"montant invalide « {value} » (deux décimales au plus)")
    return number.quantize(Decimal("0.01"))


def decimal_number(places: int, maximum: Decimal):
    """A non-negative decimal with up to `places` decimals: a unit price ("2,1050"), a rate."""
    step = Decimal(1).scaleb(-places)

    def parse(value):
        text_value = str(value or "").strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
        if not text_value:
            return None
        try:
            number = Decimal(text_value)
        except InvalidOperation:
            raise CellError(f"nombre invalide « {value} »") from None
        if not number.is_finite() or number < 0 or number > maximum or number != number.quantize(step):
            raise CellError(f"nombre invalide « {value} » (de 0 à {maximum}, {places} décimales au plus)")
        return number.quantize(step)
    return parse


def rate(value):
    """A VAT rate as a fraction ("0,055") or a percentage ("5,5 %")."""
    text_value = str(value or "").strip()
    if text_value.endswith("%"):
        number = decimal_number(4, Decimal(100))(text_value.rstrip("% "))
        return None if number is None else (number / 100).quantize(Decimal("0.0001"))
    number = decimal_number(4, Decimal("0.9999"))(text_value)
    return number


def coordinate(limit: float):
    def parse(value):
        text_value = str(value or "").strip().replace(",", ".")
        if not text_value:
            return None
        try:
            number = float(text_value)
        except ValueError:
            raise CellError(f"coordonnée invalide « {value} »") from None
        if not -limit <= number <= limit:
            raise CellError(f"coordonnée hors limites « {value} »")
        return number
    return parse


def yes_no(value):
    key = coded(value)
    if key in TRUE:
        return True
    if key in FALSE:
        return False
    raise CellError(f"« {value} » : oui ou non attendu")


def choice(mapping: dict[str, str], label: str, shown: str):
    """A coded value written in French or as the stored code; `mapping` is slug → code, `shown` the values
    the message suggests."""
    def parse(value):
        key = coded(value)
        if not key:
            return None
        if key not in mapping:
            raise CellError(f"{label} inconnu(e) « {value} » (valeurs : {shown})")
        return mapping[key]
    return parse


_email_text, _phone_text = text(254), text(32)


def email(value):
    value = _email_text(value)
    if value and not EMAIL.match(value):
        raise CellError(f"adresse e-mail invalide « {value} »")
    return value


def phone(value):
    value = _phone_text(value)
    if value and not PHONE.fullmatch(value):
        raise CellError(f"numéro de téléphone invalide « {value} »")
    return value


def iban(value):
    value = str(value or "").strip()
    if not value:
        return None
    problem = iban_problem(value)
    if problem:
        raise CellError(problem.rstrip(".") if problem.startswith("IBAN") else f"IBAN invalide : {problem}")
    return normalize_iban(value)


def currency(value):
    value = str(value or "").strip().upper()
    if not value:
        return None
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise CellError(f"code de devise invalide « {value} » (3 lettres, ex. EUR, XOF)")
    return value
