"""W23 monthly indicators of the departure procedure, on screen and as a CSV for Excel."""
from datetime import datetime, timezone

from flask import Response, render_template, request
from flask_login import current_user

from ..services.reporting import indicators
from .blueprint import web_bp
from .access import roles_required
from .billing_forms import IndicatorsForm

READERS = ("agent", "chief", "controller", "admin")


def _figures():
    form = IndicatorsForm(request.args)
    months = form.months.data if form.validate() and form.months.data else 12
    return form, months, indicators.indicators(current_user, today=datetime.now(timezone.utc).date(), months=months)


@web_bp.route("/indicators")
@roles_required(*READERS)
def indicators_page():
    form, months, (rows, totals) = _figures()
    late = indicators.dossiers_open_over_limit(current_user, today=datetime.now(timezone.utc).date())
    return render_template("indicators/page.html", form=form, months=months, rows=rows, totals=totals, late=late)


@web_bp.route("/indicators.csv")
@roles_required(*READERS)
def indicators_csv():
    _, months, (rows, _) = _figures()
    return Response(indicators.indicators_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="indicateurs-depart-{months}-mois.csv"'})
