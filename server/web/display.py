"""The display filters of the office pages: stored codes as labels, moments in the local time of the
signed-in user's utility, amounts. They read the signed-in user, hence they live on the web side."""
import re
from datetime import date, datetime

from flask import Flask, has_request_context
from flask_login import current_user

from ..services.rules.formats import money
from ..i18n import translate
from ..labels import CLOSED_DOSSIER_STATES, label
from ..local_time import in_utility_zone


def local_datetime(value, pattern: str = "%d/%m/%Y %H:%M", utility: str | None = None) -> str:
    """A moment in the local time of `utility`, else of the signed-in user's utility (an electricity
    agent reads Benin time), else the product's (config TIMEZONE); naive values are UTC (SQLite)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)
    return in_utility_zone(value, utility or _viewer_utility()).strftime(pattern)


def _viewer_utility() -> str | None:
    user = current_user if has_request_context() else None
    return getattr(user, "utility", None) if user is not None and user.is_authenticated else None


def amount(value, currency: str = "EUR") -> str:
    """45,00 € / -22 827 FCFA."""
    return "—" if value is None else money(value, currency or "EUR")


CODES = r"[WE]\d+(?:\s*(?:[/,]|et)\s*[WE]?\d+)*"
# Where a message cites rule ids: "(W14/W15)", "(jour 10, W8)", "W19 : courrier…", "(règle E2)".
RULE_CODES = re.compile(rf"\s*\((?:règles?\s+)?{CODES}\)|(?<=\S),\s*(?:règles?\s+)?{CODES}(?=\))|\b{CODES}\s*:\s*")


def without_rule_codes(message: str) -> str:
    """A message for staff without the procedure's rule ids ("… (W14/W15)."), which stay in the audit trail."""
    return RULE_CODES.sub("", str(message or ""))


def rule_codes(message: str) -> str:
    """The rule ids a message cites, for a "détails" line ("W14/W15"), or ""."""
    return " ".join(m.strip(" (),:").removeprefix("règles ").removeprefix("règle ")
                    for m in RULE_CODES.findall(str(message or "")))


def register_filters(app: Flask) -> None:
    app.jinja_env.filters["without_rule_codes"] = without_rule_codes
    app.jinja_env.filters["rule_codes"] = rule_codes
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["amount"] = amount
    app.jinja_env.globals["_"] = translate
    app.jinja_env.globals["CLOSED_DOSSIER_STATES"] = CLOSED_DOSSIER_STATES
