"""The office web blueprint; each area's views live in their own module."""
from .blueprint import web_bp  # noqa: F401  (create_app registers it)
from . import account, admin, auth, customers, devices, health, home  # noqa: F401  (views register on web_bp)
from . import chief_review, dispatch, planning, reports  # noqa: F401  (chief's board and its planner, review queue, report review)
from . import cashier, documents, indicators, invoices, transfers  # noqa: F401  (billing, counter, KPIs, PDFs)
from . import departures, dossiers, orders, tasks  # noqa: F401  (departure procedures, orders, tasks)
from . import business_calendar, exports, imports, reference_data  # noqa: F401  (the utility's own data: in, administered, out)
