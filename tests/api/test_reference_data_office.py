"""The admin keeps communes and tariffs up to date in the office: audited, a tariff never edited nor
retroactive (DESIGN §10)."""
from datetime import date, timedelta

from sqlalchemy import select

from server.extensions import db
from server.models import AuditEntry, Commune, Tariff
from tests.conftest import csrf_token_from


def _commune(app, code="33249"):
    with app.app_context():
        return db.session.scalar(select(Commune.id).where(Commune.code == code))


def test_admin_changes_the_travel_fee_of_a_commune_and_it_is_audited(office, sqlite_demo_app):
    client, commune_id = office("admin"), _commune(sqlite_demo_app)
    page = client.get(f"/admin/communes/{commune_id}")
    assert page.status_code == 200 and "Lormont" in page.get_data(as_text=True)
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post(f"/admin/communes/{commune_id}", data={
        "csrf_token": token, "name": "Lormont", "runs_water": "y", "runs_sewage": "y",
        "travel_fee_allowed": "y", "travel_fee_amount": "32,50", "water_manager": ""})
    assert response.status_code == 302
    with sqlite_demo_app.app_context():
        commune = db.session.get(Commune, commune_id)
        assert commune.travel_fee_allowed and str(commune.travel_fee_amount) == "32.50"
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update_commune"))
        assert entry.details["changes"]["travel_fee_amount"] == ["0.00", "32.50"]


def test_a_commune_without_any_service_is_refused_in_french(office, sqlite_demo_app):
    client, commune_id = office("admin"), _commune(sqlite_demo_app)
    token = csrf_token_from(client.get(f"/admin/communes/{commune_id}").get_data(as_text=True))
    page = client.post(f"/admin/communes/{commune_id}", data={"csrf_token": token, "name": "Lormont"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Une commune doit avoir au moins un service" in page


def test_a_new_tariff_takes_over_from_its_date_and_never_retroactively(office, sqlite_demo_app):
    client, commune_id = office("admin"), _commune(sqlite_demo_app)
    token = csrf_token_from(client.get(f"/admin/communes/{commune_id}").get_data(as_text=True))
    with sqlite_demo_app.app_context():
        before = db.session.scalar(select(Tariff).where(Tariff.commune_id == commune_id, Tariff.service == "water"))
        kept = (before.id, before.valid_from, before.unit_price)
    future = date.today() + timedelta(days=30)
    ok = client.post(f"/admin/communes/{commune_id}/tariffs", data={
        "csrf_token": token, "tariff-service": "water", "tariff-valid_from": future.isoformat(),
        "tariff-unit_price": "2,35", "tariff-subscription_per_year": "50", "tariff-vat_rate": "0,055"})
    assert ok.status_code == 302
    past = client.post(f"/admin/communes/{commune_id}/tariffs", data={
        "csrf_token": token, "tariff-service": "water", "tariff-valid_from": "2020-01-01",
        "tariff-unit_price": "1", "tariff-subscription_per_year": "1", "tariff-vat_rate": "0,055"})
    assert past.status_code == 422 and "jamais rétroactivement" in past.get_data(as_text=True)
    with sqlite_demo_app.app_context():
        old = db.session.get(Tariff, kept[0])
        assert (old.id, old.valid_from, old.unit_price) == kept
        new = db.session.scalar(select(Tariff).where(Tariff.commune_id == commune_id, Tariff.valid_from == future))
        assert str(new.unit_price) == "2.3500"
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "add_tariff")) is not None


def test_only_the_admin_administers_reference_data(office):
    assert office("agent.eau").get("/admin/communes").status_code == 403
    assert "Bordeaux" in office("admin").get("/admin/communes").get_data(as_text=True)
