"""Display filters of the office pages: French labels, Paris time, French amounts."""
from datetime import datetime, timezone
from decimal import Decimal

from flask import Flask

from server.labels import label
from server.web.display import amount, local_datetime


def _app():
    app = Flask(__name__)
    app.config.update(TIMEZONE="Europe/Paris", LANGUAGE="fr",
                      TIME_ZONES={"water": "Europe/Paris", "electricity": "Africa/Porto-Novo"})
    return app


def test_codes_read_in_french_and_unknown_codes_pass_through():
    with _app().app_context():
        assert label("issued", "invoice_state") == "émise"
        assert label("open", "dossier_state") == "ouvert"
        assert label("customer", "reading_source") == "relevé client"
        assert label("agent", "role") == "Agent clientèle"
        assert label("something_new", "role") == "something_new"
        assert label(None, "role") == "—"


def test_naive_datetimes_are_utc_and_shown_in_paris_time():
    with _app().app_context():
        assert local_datetime(datetime(2026, 11, 23, 9, 1)) == "23/11/2026 10:01"
        assert local_datetime(datetime(2026, 7, 1, 9, 1, tzinfo=timezone.utc)) == "01/07/2026 11:01"
        assert local_datetime("2026-11-23T09:09:36+00:00", "%d/%m/%Y %H:%M:%S") == "23/11/2026 10:09:36"


def test_electricity_moments_read_in_benin_time_all_year():
    with _app().app_context():
        summer = datetime(2026, 7, 1, 9, 1, tzinfo=timezone.utc)
        assert local_datetime(summer, utility="electricity") == "01/07/2026 10:01"  # WAT, no summer time
        assert local_datetime(summer, utility="water") == "01/07/2026 11:01"
        assert local_datetime(None) == "—"


def test_amounts_in_french_format_with_the_currency():
    assert amount(Decimal("45")) == "45,00 €"
    assert amount(Decimal("-22827"), "XOF") == "-22 827 FCFA"
    assert amount(None) == "—"
