"""French formatting of amounts, numbers, dates and times, one way for the pages, the PDFs and the messages
the services write (pure, so that every stage may import it)."""
from datetime import date, datetime
from decimal import Decimal

CURRENCY_SIGNS = {"EUR": "€", "XOF": "FCFA"}


def money(amount: Decimal | str | int, currency: str) -> str:
    """1 234,56 € / 50 000 FCFA (XOF has no subunit)."""
    value = Decimal(str(amount))
    places = 0 if currency == "XOF" else 2
    text = f"{abs(value):,.{places}f}".replace(",", " ").replace(".", ",")
    return f"{'-' if value < 0 else ''}{text} {CURRENCY_SIGNS.get(currency, currency)}"


def number(value: Decimal | str | int) -> str:
    """A quantity or a unit price without trailing zeros, French decimal comma."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text.replace(".", ",")


def price(value: Decimal | str | int) -> str:
    """A unit price: at least two decimals (2,10), more when the tariff has them (109,0000 -> 109,00)."""
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 2)
    return f"{Decimal(str(value)):.{places}f}".replace(".", ",")


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def moment(value: datetime | None) -> str:
    return value.strftime("%d/%m/%Y %H:%M") if value else "—"
