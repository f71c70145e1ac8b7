"""The office web blueprint; each area's views live in their own module."""
from flask import Blueprint

web_bp = Blueprint("web", __name__)

from . import account, admin, auth, customers, devices, health, home  # noqa: E402,F401  (views register on web_bp)
from . import dispatch, reports  # noqa: E402,F401  (chief's board, report review)
from . import cashier, documents, indicators, invoices, transfers  # noqa: E402,F401  (billing, counter, KPIs, PDFs)
from . import departures, dossiers, orders, tasks  # noqa: E402,F401  (departure procedures, orders, tasks)
