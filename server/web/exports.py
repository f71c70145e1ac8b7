"""Exports to the billing system as CSV from the office (the integration client reads the same as JSON)."""
import json
from datetime import datetime, time, timedelta, timezone

from flask import Response, abort, render_template, request
from flask_login import current_user

from ..documents.customer_data import render_customer_data_pdf
from ..local_time import utility_zone
from ..services.own_data.access_requests import customer_record
from ..services.own_data.export_feed import CSV_COLUMNS, export_csv
from .access import roles_required
from .blueprint import web_bp

EXPORT_LABELS = {"readings": "Relevés retenus", "terminations": "Résiliations", "invoices": "Factures",
                 "points": "États des points", "payments": "Encaissements et remboursements"}


@web_bp.route("/exports")
@roles_required("agent", "admin")
def exports_page():
    return render_template("admin/exports.html", labels=EXPORT_LABELS)


@web_bp.route("/exports/<kind>.csv")
@roles_required("agent", "admin")
def export_download(kind: str):
    if kind not in CSV_COLUMNS:
        abort(404)
    zone = utility_zone(current_user.utility)
    try:
        day = datetime.strptime(request.args.get("since", ""), "%Y-%m-%d").date()
    except ValueError:
        day = datetime.now(zone).date() - timedelta(days=1)
    since = datetime.combine(day, time(0), zone).astimezone(timezone.utc)
    return Response(export_csv(kind, since), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="export-{kind}-{day.isoformat()}.csv"'})


@web_bp.route("/customers/<int:customer_id>/personal-data.<fmt>")
@roles_required("agent", "admin")
def customer_personal_data(customer_id: int, fmt: str):
    """A right-of-access request (W24): everything held on the customer, as JSON or PDF."""
    if fmt not in ("json", "pdf"):
        abort(404)
    record = customer_record(customer_id, by=current_user, now=datetime.now(timezone.utc))
    name = f"donnees-client-{record['customer']['ref']}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "json":
        return Response(json.dumps(record, ensure_ascii=False, indent=2), mimetype="application/json",
                        headers=disposition)
    pdf = render_customer_data_pdf(record, zone=utility_zone(record["utility"]))
    return Response(pdf, mimetype="application/pdf", headers=disposition)
