"""Office sign-in, sessions, CSRF, rate limiting and access per role on every office route."""
import pytest

from tests.conftest import csrf_token_from, sign_in

ROLE_LOGINS = {"agent": "agent.eau", "chief": "chef.eau", "technician": "tech.eau1",
               "controller": "controle", "cashier": "caisse", "admin": "admin"}


def test_sign_in_with_the_demo_password_then_sign_out(sqlite_demo_app):
    client = sqlite_demo_app.test_client()
    assert sign_in(client, "agent.eau").headers["Location"] == "/"
    assert "Claire Morel" in client.get("/").get_data(as_text=True)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_in_french(sqlite_demo_app):
    answer = sign_in(sqlite_demo_app.test_client(), "agent.eau", "wrong")
    assert answer.status_code == 422
    assert "Identifiant ou mot de passe incorrect" in answer.get_data(as_text=True)


def test_login_is_rate_limited(sqlite_demo_app):
    client = sqlite_demo_app.test_client()
    for _ in range(5):
        sign_in(client, "agent.eau", "wrong")
    answer = sign_in(client, "agent.eau")  # even the right password waits now
    assert answer.status_code == 429
    assert "Trop de tentatives" in answer.get_data(as_text=True)


def test_login_form_without_csrf_token_is_refused(sqlite_demo_app):
    answer = sqlite_demo_app.test_client().post("/login", data={"login": "agent.eau", "password": "tournee2026"})
    assert answer.status_code == 400
    assert "CSRF" in answer.get_data(as_text=True)


def test_open_redirect_after_login_is_refused(sqlite_demo_app):
    client = sqlite_demo_app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    answer = client.post("/login", data={"csrf_token": token, "login": "agent.eau", "password": "tournee2026",
                                         "next": "//evil.example/x"})
    assert answer.headers["Location"] == "/"


def test_admin_revokes_sessions_and_a_copied_cookie_dies(office):
    agent = office("agent.eau")
    assert agent.get("/customers?q=du").status_code == 200
    admin = office("admin")
    page = admin.get("/admin/users").get_data(as_text=True)
    token = csrf_token_from(page)
    with admin.application.app_context():
        from sqlalchemy import select
        from server.extensions import db
        from server.models import User
        agent_id = db.session.scalar(select(User.id).where(User.login == "agent.eau"))
    assert admin.post(f"/admin/users/{agent_id}/revoke-sessions", data={"csrf_token": token}).status_code == 302
    assert agent.get("/customers?q=du").status_code == 302  # back to the login page


ROUTES = [
    ("/customers?q=dupont", {"agent", "chief", "controller", "cashier", "admin"}),
    ("/admin/users", {"admin"}),
]


@pytest.mark.parametrize("path,allowed", ROUTES)
@pytest.mark.parametrize("role", sorted(ROLE_LOGINS))
def test_every_office_route_is_limited_to_its_roles(office, path, allowed, role):
    answer = office(ROLE_LOGINS[role]).get(path)
    assert answer.status_code == (200 if role in allowed else 403)


@pytest.mark.parametrize("path", [path for path, _ in ROUTES])
def test_anonymous_visitors_are_sent_to_sign_in(sqlite_demo_app, path):
    answer = sqlite_demo_app.test_client().get(path)
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


@pytest.mark.parametrize("login,query,expected", [
    ("agent.eau", "Dupont", "Dupont"), ("agent.eau", "rue des Tilleuls", None), ("agent.eau", "AB00000001", None),
    ("agent.elec", "EL00000121", None)])
def test_customer_search_by_name_address_contract(office, login, query, expected):
    html = office(login).get(f"/customers?q={query}").get_data(as_text=True)
    assert "/customers/" in html
    if expected:
        assert expected in html


def test_customer_search_by_meter_serial_finds_the_holder(office, sqlite_demo_app):
    with sqlite_demo_app.app_context():
        from sqlalchemy import select
        from server.extensions import db
        from server.models import Contract, Meter
        meter = db.session.scalars(select(Meter).order_by(Meter.id)).first()
        contract = db.session.scalar(select(Contract).where(Contract.delivery_point_id == meter.delivery_point_id))
        serial, customer_id = meter.serial, contract.customer_id
    html = office("agent.eau").get(f"/customers?q={serial}").get_data(as_text=True)
    assert f"/customers/{customer_id}" in html


def test_customer_page_shows_contract_point_meter_readings(office):
    html = office("agent.elec").get("/customers/121").get_data(as_text=True)
    for text in ("Contrat", "Point de livraison", "Compteur", "Index", "Dossiers"):
        assert text in html


def test_healthz_reports_database_and_version(sqlite_demo_app):
    body = sqlite_demo_app.test_client().get("/healthz").get_json()
    assert body["status"] == "ok" and body["version"]
    assert body["database"]["backend"] == "sqlite" and body["database"]["delivery_points"] == 200


def test_security_headers_on_pages(sqlite_demo_app):
    answer = sqlite_demo_app.test_client().get("/login")
    csp = answer.headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "unsafe-inline" not in csp
    cookie = answer.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_favicon_is_served_without_sign_in(sqlite_demo_app):
    response = sqlite_demo_app.test_client().get("/favicon.ico")
    assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"
